/**
 * Reads the records of the GeoIP databases Sightline accepts, which come in two shapes:
 * MaxMind's (GeoIP2/GeoLite2 City: `country.iso_code`, `subdivisions[].iso_code`, ...) and
 * ip-location-db's flat one for DB-IP Lite (`country_code`, `state1`, `city`, ...). Records are
 * read as `unknown` and checked field by field, so a database of the wrong kind yields nulls
 * rather than a crash.
 */
export interface CityFields {
  readonly country: string | null;
  /** ISO 3166-2 code including the country (`US-CA`, `GB-ENG`); null when the database has only a name. */
  readonly region: string | null;
  /** Subdivision name in English, when the database has one. */
  readonly regionName: string | null;
  readonly city: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly timezone: string | null;
}

export const NO_CITY: CityFields = {
  country: null,
  region: null,
  regionName: null,
  city: null,
  latitude: null,
  longitude: null,
  timezone: null,
};

type Fields = Readonly<Record<string, unknown>>;

const isFields = (value: unknown): value is Fields => typeof value === 'object' && value !== null;
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const field = (value: unknown, key: string): unknown => (isFields(value) ? value[key] : undefined);
const englishName = (value: unknown): string | null => text(field(field(value, 'names'), 'en'));

/**
 * Qualifies a subdivision code with its country (`CA` in `US` → `US-CA`), leaving one that is
 * already qualified alone. CloudFront and MaxMind both give the bare code; the lake stores the
 * full ISO 3166-2 form so that a region is unambiguous without its country.
 *
 * @example
 * qualifyRegion('US', 'CA');    // 'US-CA'
 * qualifyRegion('GB', 'GB-ENG'); // 'GB-ENG'
 */
export function qualifyRegion(country: string | null, code: string | null | undefined): string | null {
  if (!code) return null;
  const upper = code.toUpperCase();
  if (upper.includes('-')) return upper;
  return country ? `${country}-${upper}` : null;
}

/**
 * Extracts the location of one City database record of either shape.
 *
 * @example
 * readCityRecord({ country: { iso_code: 'GB' }, subdivisions: [{ iso_code: 'ENG', names: { en: 'England' } }], city: { names: { en: 'London' } } });
 * // { country: 'GB', region: 'GB-ENG', regionName: 'England', city: 'London', ... }
 */
export function readCityRecord(record: unknown): CityFields {
  if (!isFields(record)) return NO_CITY;
  if ('country_code' in record) {
    // DB-IP Lite (ip-location-db): names only, no subdivision codes, no time zone.
    const country = text(record.country_code)?.toUpperCase() ?? null;
    return {
      country,
      region: null,
      regionName: text(record.state1),
      city: text(record.city),
      latitude: number(record.latitude),
      longitude: number(record.longitude),
      timezone: text(record.timezone),
    };
  }
  const country = text(field(record.country, 'iso_code')) ?? text(field(record.registered_country, 'iso_code'));
  const subdivisions = Array.isArray(record.subdivisions) ? record.subdivisions : [];
  const first: unknown = subdivisions[0];
  return {
    country,
    region: qualifyRegion(country, text(field(first, 'iso_code'))),
    regionName: englishName(first),
    city: englishName(record.city),
    latitude: number(field(record.location, 'latitude')),
    longitude: number(field(record.location, 'longitude')),
    timezone: text(field(record.location, 'time_zone')),
  };
}

export interface NetworkFields {
  readonly asn: number | null;
  readonly asOrg: string | null;
}

/** Reads a MaxMind ASN record (GeoLite2-ASN / GeoIP2-ISP). */
export function readAsnRecord(record: unknown): NetworkFields {
  return {
    asn: number(field(record, 'autonomous_system_number')),
    asOrg: text(field(record, 'autonomous_system_organization')),
  };
}

export interface AnonymityFields {
  readonly isAnonymous: boolean;
  readonly isAnonymousVpn: boolean;
  readonly isHostingProvider: boolean;
  readonly isPublicProxy: boolean;
  readonly isResidentialProxy: boolean;
  readonly isTorExitNode: boolean;
}

export const NOT_ANONYMOUS: AnonymityFields = {
  isAnonymous: false,
  isAnonymousVpn: false,
  isHostingProvider: false,
  isPublicProxy: false,
  isResidentialProxy: false,
  isTorExitNode: false,
};

/** Reads a MaxMind Anonymous IP record; absent flags are false, as MaxMind omits false ones. */
export function readAnonymousRecord(record: unknown): AnonymityFields {
  if (!isFields(record)) return NOT_ANONYMOUS;
  return {
    isAnonymous: record.is_anonymous === true,
    isAnonymousVpn: record.is_anonymous_vpn === true,
    isHostingProvider: record.is_hosting_provider === true,
    isPublicProxy: record.is_public_proxy === true,
    isResidentialProxy: record.is_residential_proxy === true,
    isTorExitNode: record.is_tor_exit_node === true,
  };
}
