import { ConfigError } from '../../lambdas/core/errors';
import { defaultCityDatabasePaths, type GeoIp, openGeoIp } from '../../lambdas/enrichment/geoip';
import { ANONYMOUS_DB, ASN_DB, CITY_DB, firstAddress, GEOIP_FIXTURES, sourceNetworks } from './fixtures';

type Names = { en?: string };
type CitySource = {
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
  subdivisions?: { iso_code?: string }[];
  city?: { names?: Names };
  location?: { latitude?: number; longitude?: number; time_zone?: string };
};

describe('openGeoIp over the MaxMind test databases', () => {
  let geo: GeoIp;

  beforeAll(async () => {
    geo = await openGeoIp({ cityPath: CITY_DB, asnPath: ASN_DB, anonymousIpPath: ANONYMOUS_DB });
  });

  it('locates 81.2.69.142 in London, England, GB', () => {
    // Act
    const location = geo.lookup('81.2.69.142');

    // Assess
    expect(location).toMatchObject({
      country: 'GB',
      region: 'GB-ENG',
      regionName: 'England',
      city: 'London',
      timezone: 'Europe/London',
    });
  });

  it('answers a repeated address from its cache with the same frozen location', () => {
    // Act
    const first = geo.lookup('81.2.69.160');
    const again = geo.lookup('81.2.69.160');

    // Assess
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first.city).toBe('London');
  });

  it('locates every network of the City source as the source says', () => {
    // Prepare
    const networks = sourceNetworks('GeoIP2-City-Test.mmdb') as [string, CitySource][];

    // Act
    const results = networks.map(([cidr, record]) => ({ cidr, record, location: geo.lookup(firstAddress(cidr)) }));

    // Assess
    expect(networks.length).toBeGreaterThan(200);
    for (const { record, location } of results) {
      const country = record.country?.iso_code ?? record.registered_country?.iso_code ?? null;
      const subdivision = record.subdivisions?.[0]?.iso_code;
      expect(location.country).toBe(country);
      expect(location.region).toBe(subdivision && country ? `${country}-${subdivision}` : null);
      expect(location.city).toBe(record.city?.names?.en ?? null);
      expect(location.latitude).toBe(record.location?.latitude ?? null);
      expect(location.longitude).toBe(record.location?.longitude ?? null);
      expect(location.timezone).toBe(record.location?.time_zone ?? null);
    }
  });

  it('finds the autonomous system of every ASN source network that names its organization', () => {
    // Prepare
    const networks = sourceNetworks('GeoLite2-ASN-Test.mmdb').filter(
      ([, record]) => typeof record.autonomous_system_organization === 'string',
    );

    // Act
    const results = networks.map(([cidr, record]) => ({ record, location: geo.lookup(firstAddress(cidr)) }));

    // Assess
    expect(networks.length).toBeGreaterThan(50);
    for (const { record, location } of results) {
      expect(location.asn).toBe(record.autonomous_system_number);
      expect(location.asOrg).toBe(record.autonomous_system_organization);
    }
  });

  it('reads the anonymity flags of every Anonymous IP source network', () => {
    // Prepare
    const networks = sourceNetworks('GeoIP2-Anonymous-IP-Test.mmdb');

    // Act
    const results = networks.map(([cidr, record]) => ({ record, location: geo.lookup(firstAddress(cidr)) }));

    // Assess
    expect(networks.length).toBeGreaterThan(5);
    for (const { record, location } of results) {
      expect(location.isAnonymous).toBe(record.is_anonymous === true);
      expect(location.isHostingProvider).toBe(record.is_hosting_provider === true);
      expect(location.isPublicProxy).toBe(record.is_public_proxy === true);
      expect(location.isTorExitNode).toBe(record.is_tor_exit_node === true);
    }
  });

  it('looks up an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(geo.lookup('::ffff:81.2.69.142')).toEqual(geo.lookup('81.2.69.142'));
  });

  it('returns an all-null location for an invalid or missing address', () => {
    for (const ip of ['garbage', '', undefined]) {
      expect(geo.lookup(ip)).toMatchObject({ country: null, city: null, asn: null, isHostingProvider: false });
    }
  });
});

describe('openGeoIp without optional databases', () => {
  it('leaves ASN and anonymity empty when no ASN or Anonymous IP database is configured', async () => {
    // Prepare
    const geo = await openGeoIp({ cityPath: CITY_DB });

    // Act
    const location = geo.lookup('1.0.0.1');

    // Assess
    expect(location.asn).toBeNull();
    expect(location.isHostingProvider).toBe(false);
  });

  it('fails with a ConfigError naming a database that does not exist', async () => {
    await expect(openGeoIp({ cityPath: `${GEOIP_FIXTURES}/missing.mmdb` })).rejects.toThrow(ConfigError);
  });
});

describe('the default DB-IP City Lite databases', () => {
  let geo: GeoIp;

  beforeAll(async () => {
    geo = await openGeoIp();
  });

  it('are found in node_modules, one per address family', () => {
    const paths = defaultCityDatabasePaths();
    expect(paths.ipv4).toMatch(/dbip-city-ipv4\.mmdb$/);
    expect(paths.ipv6).toMatch(/dbip-city-ipv6\.mmdb$/);
  });

  it('locate IPv4 and IPv6 addresses, with the subdivision name but no ISO code', () => {
    // Act
    const v4 = geo.lookup('81.2.69.142');
    const v6 = geo.lookup('2a00:1450:4001::1');

    // Assess
    expect(v4.country).toBe('GB');
    expect(v4.region).toBeNull();
    expect(v4.regionName).toEqual(expect.any(String));
    expect(v4.latitude).toEqual(expect.any(Number));
    expect(v6.country).toEqual(expect.stringMatching(/^[A-Z]{2}$/));
  });
});

describe('default DB-IP City databases', () => {
  it('locates IPv4 and, read on first use, IPv6 addresses', async () => {
    const geo = await openGeoIp();
    expect(geo.lookup('2a00:1450:4001:80b::200e').country).toBe('DE');
    expect(geo.lookup('81.2.69.142').country).toBe('GB');
  });
});
