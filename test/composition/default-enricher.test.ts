import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { GetObjectCommand, type GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { CollectedEventEnvelope } from '../../lambdas/collection/collected-event';
import { createDefaultEnricher } from '../../lambdas/composition/enricher';
import { ConfigError } from '../../lambdas/core/errors';
import { ASN_DB, CITY_DB } from '../enrichment/fixtures';
import { pageEnvelope } from '../support/stream-envelopes';
import { makeTempDir } from '../support/temp-dir';

/** A page view from MaxMind's London test address, straight from the visitor. */
const fromLondon: CollectedEventEnvelope = {
  ...pageEnvelope('e1'),
  server: { receivedAt: 1_700_000_000_000, ip: '81.2.69.142', userAgent: 'Mozilla/5.0 Firefox/128.0' },
};
const body = (file: string) => createReadStream(file) as unknown as GetObjectCommandOutput['Body'];

describe('the enricher of a cold start', () => {
  const s3 = mockClient(S3Client);
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    s3.reset();
    temp = makeTempDir('sightline-geoip-download-');
  });
  afterEach(() => temp.cleanup());

  it('downloads each S3 database once into the download folder and locates visitors with it', async () => {
    // Prepare
    s3.on(GetObjectCommand, { Bucket: 'geo-bucket', Key: 'maxmind/GeoIP2-City-Test.mmdb' }).callsFake(() => ({
      Body: body(CITY_DB),
    }));
    s3.on(GetObjectCommand, { Bucket: 'geo-bucket', Key: 'GeoLite2-ASN-Test.mmdb' }).callsFake(() => ({
      Body: body(ASN_DB),
    }));
    const env = {
      SIGHTLINE_GEOIP_CITY: 's3://geo-bucket/maxmind/GeoIP2-City-Test.mmdb',
      SIGHTLINE_GEOIP_ASN: 's3://geo-bucket/GeoLite2-ASN-Test.mmdb',
    };

    // Act
    const first = await createDefaultEnricher(env, { downloadDir: temp.dir });
    const second = await createDefaultEnricher(env, { downloadDir: temp.dir });

    // Assess: located by the downloaded database; the second start reuses the files.
    expect(first.enrich(fromLondon, { settings: {} })).toMatchObject({
      country: 'GB',
      city: 'London',
      ip: '81.2.69.0',
    });
    expect(second.enrich(fromLondon, { settings: {} })).toMatchObject({ country: 'GB', city: 'London' });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(2);
    expect(readdirSync(temp.dir).sort()).toEqual(['GeoIP2-City-Test.mmdb', 'GeoLite2-ASN-Test.mmdb']);
  });

  it('reads a database from a layer path without calling S3', async () => {
    // Act
    const enricher = await createDefaultEnricher({ SIGHTLINE_GEOIP_CITY: CITY_DB }, { downloadDir: temp.dir });

    // Assess
    expect(enricher.enrich(fromLondon, { settings: {} })).toMatchObject({ city: 'London' });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('reads a separate IPv6 City database, as the default layer ships it, on the first IPv6 visitor', async () => {
    // Prepare: an IPv6 file that is not there, to see when and where it is read.
    const missingIpv6 = `${temp.dir}/dbip-city-ipv6.mmdb`;
    const enricher = await createDefaultEnricher({
      SIGHTLINE_GEOIP_CITY: CITY_DB,
      SIGHTLINE_GEOIP_CITY_IPV6: missingIpv6,
    });
    const fromIpv6: CollectedEventEnvelope = { ...fromLondon, server: { ...fromLondon.server, ip: '2001:218::1' } };

    // Act
    const ipv4 = enricher.enrich(fromLondon, { settings: {} });

    // Assess
    expect(ipv4).toMatchObject({ city: 'London' });
    expect(() => enricher.enrich(fromIpv6, { settings: {} })).toThrow(`Cannot open GeoIP database ${missingIpv6}`);
  });

  it('fails the cold start naming an S3 database that comes back empty, keeping no file', async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({});

    // Act
    const start = createDefaultEnricher(
      { SIGHTLINE_GEOIP_CITY: 's3://geo-bucket/City.mmdb' },
      { downloadDir: temp.dir },
    );

    // Assess
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow('GeoIP database s3://geo-bucket/City.mmdb is empty');
    expect(existsSync(`${temp.dir}/City.mmdb`)).toBe(false);
  });
});
