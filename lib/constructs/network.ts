import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { networkDefaults } from '../defaults/network-defaults';

export interface NetworkProps {
  /**
   * How long CloudWatch keeps the VPC flow logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Key encrypting the flow log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Props merged over `networkDefaults()`.
   * @default - the defaults only
   */
  readonly vpcProps?: ec2.VpcProps;
}

/** The private network the database lives in, with flow logs of all its traffic. */
export class Network extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly flowLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', { ...networkDefaults(), ...props.vpcProps });
    this.flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.logEncryptionKey,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogs),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
  }
}
