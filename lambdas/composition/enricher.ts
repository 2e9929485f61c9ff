import { createWriteStream, existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { ENV, optionalEnv } from '../core/config';
import { ConfigError } from '../core/errors';
import { createEnricher, type Enricher } from '../enrichment/enrich-event';
import { emptyGeoIp, type GeoIp, openGeoIp } from '../enrichment/geoip';

export interface DefaultEnricherOptions {
  /** Where `s3://` databases are downloaded to. @default '/tmp' (Lambda's writable disk) */
  readonly downloadDir?: string;
  /** @default a new S3Client, created only when a database is in S3 */
  readonly s3?: S3Client;
}

/**
 * The enricher with the GeoIP databases the environment names: a local path (in AWS a layer's,
 * under `/opt/`: the DB-IP City Lite layer the stack ships, or the customer's), or an `s3://`
 * object (e.g. a customer's MaxMind GeoIP2 licence) fetched once per cold start into /tmp.
 * With none named it uses DB-IP City Lite from node_modules (`npm start`); where that is missing
 * too it relies on CloudFront's viewer geo headers alone.
 *
 * @example
 * const enricher = await createDefaultEnricher(); // SIGHTLINE_GEOIP_CITY=s3://geo/GeoIP2-City.mmdb → /tmp/GeoIP2-City.mmdb
 */
export async function createDefaultEnricher(
  env: NodeJS.ProcessEnv = process.env,
  options: DefaultEnricherOptions = {},
): Promise<Enricher> {
  const [cityPath, cityIpv6Path, asnPath, anonymousIpPath] = await Promise.all(
    [ENV.geoipCityPath, ENV.geoipCityIpv6Path, ENV.geoipAsnPath, ENV.geoipAnonymousIpPath].map((name) =>
      localCopy(optionalEnv(name, env), options),
    ),
  );
  let geo: GeoIp;
  try {
    geo = await openGeoIp({
      ...(cityPath ? { cityPath } : {}),
      ...(cityPath && cityIpv6Path ? { cityIpv6Path } : {}),
      ...(asnPath ? { asnPath } : {}),
      ...(anonymousIpPath ? { anonymousIpPath } : {}),
    });
  } catch (error) {
    if (cityPath || !(error instanceof ConfigError)) throw error;
    console.warn('no GeoIP city database available: using CloudFront geo headers only');
    geo = emptyGeoIp;
  }
  return createEnricher({ geo });
}

/** A local path for a database: itself, or for `s3://bucket/key` a download kept for the container's life. */
async function localCopy(location: string | undefined, options: DefaultEnricherOptions): Promise<string | undefined> {
  if (!location?.startsWith('s3://')) return location;
  const [bucket, ...key] = location.slice(5).split('/');
  const target = join(options.downloadDir ?? '/tmp', basename(key.join('/')));
  if (existsSync(target)) return target;
  const s3 = options.s3 ?? new (await import('@aws-sdk/client-s3')).S3Client({});
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key.join('/') }));
  if (!object.Body) throw new ConfigError(`GeoIP database ${location} is empty`);
  // Written aside, then renamed: a download cut short never passes for the database.
  const partial = `${target}.partial`;
  await pipeline(object.Body as NodeJS.ReadableStream, createWriteStream(partial));
  await rename(partial, target);
  return target;
}
