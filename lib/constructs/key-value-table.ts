import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/core/config';
import { keyValueTableDefaults } from '../defaults/table-defaults';
import { acceptKmsActionWildcards } from '../nag';

export interface KeyValueTableProps {
  /** Key the table is encrypted with. */
  readonly encryptionKey: kms.IKey;
  /**
   * Props merged over `keyValueTableDefaults()`.
   * @default - the defaults only
   */
  readonly tableProps?: Partial<dynamodb.TableProps>;
}

/** DynamoDB table for the `KeyValue` port: idempotency records, quotas, rate limits. */
export class KeyValueTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: KeyValueTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      ...keyValueTableDefaults(props.encryptionKey),
      ...props.tableProps,
    });
  }

  /** Gives `fn` the table name (`ENV.keyValueTable`) and item read/write/delete on this table only. */
  public bindReadWrite(fn: lambda.Function): void {
    fn.addEnvironment(ENV.keyValueTable, this.table.tableName);
    this.table.grantReadWriteData(fn);
    acceptKmsActionWildcards(fn);
  }

  /** Gives `fn` the table name (`ENV.keyValueTable`) and item reads on this table only. */
  public bindReader(fn: lambda.Function): void {
    fn.addEnvironment(ENV.keyValueTable, this.table.tableName);
    this.table.grantReadData(fn);
  }
}
