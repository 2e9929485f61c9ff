import type { ServerContext } from '../collection/collected-event';
import { qualifyRegion } from './geo-record';
import type { GeoIp, GeoLocation } from './geoip';

/**
 * Where the visitor is. CloudFront's viewer headers (`server.geo`) win when present and when
 * they describe the visitor, i.e. the connection is the visitor's own (no Segment `clientIp`
 * naming someone else): CloudFront geolocates with its own, fresher data. Network fields (ASN,
 * anonymity) always come from the databases, which CloudFront does not forward.
 *
 * @example
 * locateVisitor(geo, { ip: '81.2.69.142', connectionIsVisitor: true, server });
 * // GeoIP for 81.2.69.142, with CloudFront's country/region/city over it when server.geo has a country
 */
export function locateVisitor(
  geo: GeoIp,
  input: { readonly ip: string | null; readonly connectionIsVisitor: boolean; readonly server: ServerContext },
): GeoLocation {
  const fromDb = geo.lookup(input.ip);
  const edge = input.server.geo;
  if (!input.connectionIsVisitor || !edge?.country) return fromDb;
  const country = edge.country.toUpperCase();
  return {
    ...fromDb,
    country,
    region: qualifyRegion(country, edge.region),
    regionName: null,
    city: edge.city || null,
    latitude: finite(edge.latitude),
    longitude: finite(edge.longitude),
    timezone: edge.timezone || null,
  };
}

const finite = (value: number | undefined): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
