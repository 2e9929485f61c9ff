import type { CollectedEventEnvelope } from '../collection/collected-event';
import { eventTimeOf } from '../enrichment/event-time';
import { CLICK_ID_TYPES, type IdentifierInput, type IdentifierType } from './identifier-types';
import type { IdentityObservation, TraitValue } from './observation';
import { isPhoneRegion } from './phone-numbers';

/** What identity needs of the site's settings (`SiteSettings`): how to read its visitors' phones. */
export interface IdentitySiteSettings {
  /** The default region of phones typed without a country code; anything but a known region is ignored. */
  readonly phoneRegion?: string | null | undefined;
}

/** Trait keys that carry an identifier, and the identifier type they carry. */
const IDENTIFIER_TRAITS: Readonly<Record<string, IdentifierType>> = {
  email: 'email',
  phone: 'phone',
  external_id: 'external_id',
  externalId: 'external_id',
  idfa: 'idfa',
  idfv: 'idfv',
  gaid: 'gaid',
  device_id: 'device_id',
  deviceId: 'device_id',
};

/**
 * The identity observation one collected event makes, or `undefined` when it shows no identifier
 * (a cookieless hit without a user id). Identifiers: `anonymousId`, `userId`, an alias's
 * `previousId`, click ids, and identifier-like traits (`email`, `phone`, `externalId`, device ids);
 * traits go to `$set`, first-touch campaign values to `$set_once`; a group call names the company.
 * An observation with a phone carries the site's default phone region, read with the site's other
 * settings as the event is enriched, so the resolver needs no query to read the phone.
 *
 * @example
 * const observation = observationFromEnvelope(envelope, site.settings);
 * if (observation) await identityQueue.send([{ body: JSON.stringify(observation) }]);
 */
export function observationFromEnvelope(
  envelope: CollectedEventEnvelope,
  settings: IdentitySiteSettings = {},
): IdentityObservation | undefined {
  const { event, server } = envelope;
  const identifiers: IdentifierInput[] = [];
  const add = (type: IdentifierType, value: unknown) => {
    if (typeof value === 'string' && value.trim() !== '') identifiers.push({ type, value });
    else if (typeof value === 'number' && Number.isFinite(value)) identifiers.push({ type, value: String(value) });
  };

  if (!event.cookieless) add('anonymous_id', event.anonymousId);
  add('user_id', event.userId);
  if (event.type === 'alias') add('anonymous_id', event.previousId);
  for (const [key, value] of Object.entries(event.clickIds ?? {})) {
    const type = CLICK_ID_TYPES.find((t) => t === key.toLowerCase());
    if (type) add(type, value);
  }
  const personTraits = event.type === 'group' ? {} : jsonTraits(event.traits);
  // Traits only: an event property such as `email` often names someone else (an invitee, a referral).
  for (const [key, type] of Object.entries(IDENTIFIER_TRAITS)) add(type, personTraits[key]);
  if (identifiers.length === 0) return undefined;

  const $set_once = Object.fromEntries(
    Object.entries(event.campaign ?? {}).map(([key, value]): [string, TraitValue] => [`initial_${key}`, value]),
  );
  // As the lake dates the event (skew corrected, clamped to the week before receipt): a device clock
  // reset to 1970, or a forged time, must not place a link before everything else.
  const observedAt = eventTimeOf(event, server.receivedAt);
  const ip = event.clientIp ?? server.ip;
  const userAgent = event.clientUserAgent ?? server.userAgent;
  const company = event.type === 'group' ? companyOf(event.groupId, event.traits) : undefined;
  const phoneRegion =
    isPhoneRegion(settings.phoneRegion) && identifiers.some((i) => i.type === 'phone')
      ? settings.phoneRegion
      : undefined;

  return {
    v: 1,
    organizationId: envelope.organizationId,
    siteId: envelope.siteId,
    eventId: event.eventId,
    observedAt,
    receivedAt: server.receivedAt,
    identifiers: dedupe(identifiers),
    ...(phoneRegion ? { phoneRegion } : {}),
    ...(Object.keys(personTraits).length > 0 || Object.keys($set_once).length > 0
      ? {
          traits: {
            ...(Object.keys(personTraits).length > 0 ? { $set: personTraits } : {}),
            ...(Object.keys($set_once).length > 0 ? { $set_once } : {}),
          },
        }
      : {}),
    ...(ip ? { ip } : {}),
    ...(userAgent ? { userAgent } : {}),
    ...(company ? { company } : {}),
    event: {
      type: event.type,
      ...(event.name ? { name: event.name } : {}),
      ...(event.url ? { url: event.url } : {}),
      ...(event.referrer ? { referrer: event.referrer } : {}),
      ...(event.sessionId ? { sessionId: event.sessionId } : {}),
    },
    ...(keepsRawEvent(event.type, personTraits)
      ? { raw: { receivedAt: server.receivedAt, event: rawEventOf(event) } }
      : {}),
  };
}

/**
 * Whether an observation can change who is who (it links identifiers, or carries traits or a
 * company), as opposed to a page view that only confirms a known visitor.
 *
 * @example
 * if (linksIdentities(observation)) await identityQueue.send([{ body: JSON.stringify(observation) }]);
 */
export function linksIdentities(observation: IdentityObservation): boolean {
  return observation.identifiers.length > 1 || observation.traits !== undefined || observation.company !== undefined;
}

/** The calls that say who someone is, kept as received (`raw_events`). */
export const RAW_EVENT_TYPES: ReadonlySet<string> = new Set(['identify', 'alias', 'group']);

/**
 * Whether the resolver keeps the event as received: the identity calls, and any event that carries
 * traits (the lake keeps traits with PII removed, so this is the only copy of what was said). Page
 * views and track calls of a signed-in visitor are in the lake already.
 *
 * @example
 * keepsRawEvent('identify', {}); // true
 * keepsRawEvent('page', {});     // false
 */
export function keepsRawEvent(type: string, traits: Readonly<Record<string, unknown>> | undefined): boolean {
  return RAW_EVENT_TYPES.has(type) || (traits !== undefined && Object.keys(traits).length > 0);
}

/** The event as it will be kept: all of it but the client IP (an IP is never stored untruncated). */
function rawEventOf(event: CollectedEventEnvelope['event']): Record<string, unknown> {
  const { clientIp: _ip, ...kept } = event;
  return kept;
}

function companyOf(
  groupId: string | undefined,
  traits: Readonly<Record<string, unknown>> | undefined,
): IdentityObservation['company'] {
  const name = typeof traits?.name === 'string' ? traits.name : undefined;
  const site = traits?.domain ?? traits?.website;
  const domain = typeof site === 'string' ? hostOf(site) : undefined;
  if (!groupId && !domain) return undefined;
  return { ...(groupId ? { groupId } : {}), ...(domain ? { domain } : {}), ...(name ? { name } : {}) };
}

/** Traits as JSON values: whatever JSON.stringify would not keep (functions, undefined) is left out. */
function jsonTraits(traits: Readonly<Record<string, unknown>> | undefined): Record<string, TraitValue> {
  if (!traits) return {};
  return JSON.parse(JSON.stringify(traits)) as Record<string, TraitValue>;
}

function hostOf(site: string): string | undefined {
  try {
    return new URL(/^https?:\/\//i.test(site) ? site : `https://${site}`).hostname.replace(/^www\./, '');
  } catch {
    return undefined;
  }
}

function dedupe(identifiers: readonly IdentifierInput[]): IdentifierInput[] {
  const seen = new Set<string>();
  return identifiers.filter((i) => {
    const key = `${i.type}\u0000${i.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
