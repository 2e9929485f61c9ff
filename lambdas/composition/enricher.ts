import { createWriteStream, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ENV, optionalEnv } from '../core/config';
import { ConfigError } from '../core/errors';
import { createEnricher, type Enricher } from '../enrichment/enrich-event';
import { emptyGeoIp, type GeoIp, openGeoIp } from '../enrichment/geoip';

/**
 * The enricher with the GeoIP databases the environment names: a local path, or an `s3://`
 * object (e.g. a customer's MaxMind GeoIP2 licence) fetched once per cold start into /tmp.
 * With none named it uses the bundled DB-IP City Lite database; where that is not shipped (a
 * bundled Lambda) it relies on CloudFront's viewer geo headers alone.
 */
export async function createDefaultEnricher(env: NodeJS.ProcessEnv = process.env): Promise<Enricher> {
  const [cityPath, asnPath, anonymousIpPath] = await Promise.all(
    [ENV.geoipCityPath, ENV.geoipAsnPath, ENV.geoipAnonymousIpPath].map((name) => localCopy(optionalEnv(name, env))),
  );
  let geo: GeoIp;
  try {
    geo = await openGeoIp({
      ...(cityPath ? { cityPath } : {}),
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

async function localCopy(location: string | undefined): Promise<string | undefined> {
  if (!location?.startsWith('s3://')) return location;
  const [bucket, ...key] = location.slice(5).split('/');
  const target = join('/tmp', basename(key.join('/')));
  if (existsSync(target)) return target;
  const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const object = await new S3Client({}).send(new GetObjectCommand({ Bucket: bucket, Key: key.join('/') }));
  if (!object.Body) throw new ConfigError(`GeoIP database ${location} is empty`);
  await pipeline(object.Body as NodeJS.ReadableStream, createWriteStream(target));
  return target;
}
