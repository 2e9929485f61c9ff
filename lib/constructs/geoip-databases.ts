import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENV, type EnvName } from '../../lambdas/core/config';

export interface GeoIpDatabasesProps {
  /**
   * `s3://bucket/key` of a MaxMind-format City database (GeoIP2/GeoLite2 City, DB-IP City).
   * @default - none: enrichment uses CloudFront's viewer location headers only
   */
  readonly city?: string;
  /**
   * `s3://bucket/key` of a GeoLite2/GeoIP2 ASN database.
   * @default - none: `asn` and `as_org` stay empty
   */
  readonly asn?: string;
  /**
   * `s3://bucket/key` of a GeoIP2 Anonymous IP database (hosting/proxy flags for bot detection).
   * @default - none
   */
  readonly anonymousIp?: string;
}

/**
 * GeoIP databases the customer keeps in S3 (licences such as MaxMind's forbid shipping them in
 * Sightline). Enrichment downloads each once per cold start.
 */
export class GeoIpDatabases extends Construct {
  private readonly locations: readonly (readonly [EnvName, string])[];

  constructor(scope: Construct, id: string, props: GeoIpDatabasesProps = {}) {
    super(scope, id);
    const named: [EnvName, string | undefined][] = [
      [ENV.geoipCityPath, props.city],
      [ENV.geoipAsnPath, props.asn],
      [ENV.geoipAnonymousIpPath, props.anonymousIp],
    ];
    this.locations = named.filter((entry): entry is [EnvName, string] => entry[1] !== undefined);
  }

  /** Gives `fn` each configured database's location and `s3:GetObject` on that one object. */
  public bindReader(fn: lambda.Function): void {
    for (const [name, location] of this.locations) {
      fn.addEnvironment(name, location);
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [`arn:${Aws.PARTITION}:s3:::${location.slice('s3://'.length)}`],
        }),
      );
    }
  }
}
