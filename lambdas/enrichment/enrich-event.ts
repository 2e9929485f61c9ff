import type { CollectedEventEnvelope, FailureReason } from '../collection/collected-event';
import type { SiteSettings } from '../db/schema/core';
import { affiliateClickOf } from './affiliate-click';
import { BehaviourTracker, type BehaviourVerdict, HUMAN } from './behaviour-tracker';
import { detectBot } from './bot-detection';
import { type CampaignInfo, parseCampaign } from './campaign';
import { assignChannel } from './channel';
import type { ChannelRule } from './channel-rules';
import type { EventRow } from './event-row';
import { eventTimeOf, receivedAtOf } from './event-time';
import { eventTypeOf } from './event-type';
import type { GeoIp } from './geoip';
import { truncateIp } from './ip-truncation';
import { LruCache } from './lru-cache';
import { stripPii } from './pii';
import { classifyReferrer, type ReferrerInfo } from './referrer';
import { createUserAgentParser, type UserAgentParser } from './user-agent';
import { visitorContextOf } from './visitor-context';
import { locateVisitor } from './visitor-location';

/** What enrichment needs to know about the site an event belongs to. */
export interface SiteContext {
  readonly settings: SiteSettings & { readonly channelRules?: readonly ChannelRule[] };
}

export interface EnricherOptions {
  readonly geo: GeoIp;
  /** Clock for envelopes whose received time is unusable. @default Date.now */
  readonly now?: () => number;
  /** @default a parser with a 10,000-entry cache */
  readonly userAgents?: UserAgentParser;
  /** @default HOSTING_ASNS */
  readonly hostingAsns?: ReadonlySet<number>;
}

export interface EnrichmentFailure {
  /** Position in the batch given to `enrichBatch`. */
  readonly index: number;
  readonly reason: Extract<FailureReason, 'unknown_site' | 'unknown_version' | 'enrichment_failure'>;
  readonly message: string;
  readonly cause?: unknown;
}

export interface Enricher {
  /** One envelope to one lake row; `behaviour` is the batch-level verdict for its visitor. */
  enrich(envelope: CollectedEventEnvelope, site: SiteContext, behaviour?: BehaviourVerdict): EventRow;
  /**
   * A stream batch: judges behaviour over the whole batch first, then enriches each envelope.
   * Envelopes that cannot be enriched (unknown site or version, malformed) are left out of the
   * rows and reported to `onFailure`, for `failed_events`.
   */
  enrichBatch(
    envelopes: readonly CollectedEventEnvelope[],
    siteLookup: (siteId: string) => SiteContext | undefined,
    onFailure?: (failure: EnrichmentFailure) => void,
  ): EventRow[];
}

const MAX_PIXELS = 100_000;
/** Distinct landing URLs and referrer/page pairs whose classification is kept. */
const CLASSIFICATION_CACHE_ENTRIES = 10_000;

/**
 * Creates the enricher: pure functions over one envelope plus the GeoIP databases and a UA cache.
 *
 * @example
 * const enricher = createEnricher({ geo: await openGeoIp() });
 * const rows = enricher.enrichBatch(envelopes, (siteId) => sites.get(siteId), (failure) => failures.push(failure));
 * await writeLakeRows(store, eventsTable, rows, batchId, (row) => ({ dt: String(row.dt) }));
 */
export function createEnricher(options: EnricherOptions): Enricher {
  const now = options.now ?? Date.now;
  const userAgents = options.userAgents ?? createUserAgentParser();
  const botOptions = options.hostingAsns ? { hostingAsns: options.hostingAsns } : {};
  // Landing URLs and referrers repeat across visitors: both classifications are pure functions of
  // their strings, so recent answers are reused instead of parsing the URLs again.
  const campaigns = new LruCache<string, CampaignInfo>(CLASSIFICATION_CACHE_ENTRIES);
  const referrers = new LruCache<string, ReferrerInfo>(CLASSIFICATION_CACHE_ENTRIES);
  const campaignOfUrl = (url: string | undefined): CampaignInfo => {
    const key = url ?? '';
    let found = campaigns.get(key);
    if (!found) {
      found = parseCampaign({ url });
      campaigns.set(key, found);
    }
    return found;
  };
  const truncated = new LruCache<string, string | null>(CLASSIFICATION_CACHE_ENTRIES);
  const truncatedIpOf = (ip: string | null, settings: SiteSettings): string | null => {
    if (!ip) return null;
    const key = `${ip}/${settings.ipv4PrefixBits ?? ''}/${settings.ipv6PrefixBits ?? ''}`;
    const found = truncated.get(key);
    if (found !== undefined) return found;
    const value = truncateIp(ip, settings);
    truncated.set(key, value);
    return value;
  };
  const referrerOf = (referrer: string | undefined, pageUrl: string | undefined, paid: boolean): ReferrerInfo => {
    const key = `${paid ? 1 : 0}\u0000${referrer ?? ''}\u0000${pageUrl ?? ''}`;
    let found = referrers.get(key);
    if (!found) {
      found = classifyReferrer({ referrer, pageUrl, paid });
      referrers.set(key, found);
    }
    return found;
  };

  function enrich(envelope: CollectedEventEnvelope, site: SiteContext, behaviour: BehaviourVerdict = HUMAN): EventRow {
    const { event, server } = envelope;
    const { settings } = site;
    const receivedAt = receivedAtOf(envelope, now);
    const eventTime = eventTimeOf(event, receivedAt);
    const client = visitorContextOf(envelope);
    const page = parseUrl(event.url);
    const location = locateVisitor(options.geo, {
      ip: client.ip,
      connectionIsVisitor: !event.clientIp && client.ip !== null,
      server,
    });
    const ua = userAgents.parse(client.userAgent);
    const bot = detectBot(
      {
        userAgent: client.userAgent,
        isKnownBotUserAgent: ua.isKnownBot,
        fromBrowser: client.fromBrowser,
        asn: location.asn,
        isHostingProvider: location.isHostingProvider,
        isPublicProxy: location.isPublicProxy,
        webdriver: event.properties?.$webdriver === true,
        behaviour,
      },
      botOptions,
    );
    const campaign =
      event.campaign || event.clickIds || event.subIds
        ? parseCampaign({ url: event.url, campaign: event.campaign, clickIds: event.clickIds, subIds: event.subIds })
        : campaignOfUrl(event.url);
    const referrer = referrerOf(event.referrer, event.url, campaign.paid);
    const { channel } = assignChannel(campaign, referrer, settings.channelRules);
    const affiliate = affiliateClickOf(envelope, settings.affiliatePatterns);
    const traits = stripPii(event.traits);
    return {
      event_id: event.eventId,
      site_id: envelope.siteId,
      organization_id: envelope.organizationId,
      event_type: eventTypeOf(event, envelope.source),
      event_name: event.name ?? null,
      event_time: new Date(eventTime),
      received_at: new Date(receivedAt),
      source: envelope.source,
      sdk: event.sdk ?? null,
      anonymous_id: event.cookieless ? null : (event.anonymousId ?? null),
      session_id: event.sessionId ?? null,
      user_id: event.userId ?? null,
      cookieless: event.cookieless === true,
      url: event.url ?? null,
      hostname: page?.hostname.toLowerCase() || null,
      path: page?.pathname ?? null,
      title: event.title ?? null,
      referrer: event.referrer || null,
      referrer_host: referrer.host,
      referrer_type: referrer.type,
      channel,
      utm_source: campaign.utm.source,
      utm_medium: campaign.utm.medium,
      utm_campaign: campaign.utm.campaign,
      utm_term: campaign.utm.term,
      utm_content: campaign.utm.content,
      utm_id: campaign.utm.id,
      click_id_type: campaign.clickIdType,
      click_id: campaign.clickId,
      ad_network: campaign.adNetwork,
      sub_ids: campaign.subIds ? JSON.stringify(campaign.subIds) : null,
      affiliate_link: affiliate.link,
      affiliate_pattern: affiliate.pattern,
      properties:
        event.properties && Object.keys(event.properties).length > 0 ? JSON.stringify(event.properties) : null,
      traits: traits ? JSON.stringify(traits) : null,
      ip: truncatedIpOf(client.ip, settings),
      country: location.country,
      region: location.region,
      city: location.city,
      latitude: location.latitude,
      longitude: location.longitude,
      timezone: event.timezone || location.timezone,
      asn: location.asn,
      as_org: location.asOrg,
      user_agent: client.userAgent,
      browser: ua.browser,
      browser_version: ua.browserVersion,
      os: ua.os,
      os_version: ua.osVersion,
      device_type: ua.deviceType,
      is_bot: bot.isBot,
      bot_reason: bot.reason,
      screen_width: pixels(event.screen?.width),
      screen_height: pixels(event.screen?.height),
      viewport_width: pixels(event.viewport?.width),
      viewport_height: pixels(event.viewport?.height),
      language: event.language || null,
      dt: new Date(eventTime).toISOString().slice(0, 10),
    };
  }

  function enrichBatch(
    envelopes: readonly CollectedEventEnvelope[],
    siteLookup: (siteId: string) => SiteContext | undefined,
    onFailure: (failure: EnrichmentFailure) => void = () => {},
  ): EventRow[] {
    const rows: EventRow[] = [];
    const behaviour = new BehaviourTracker();
    for (const envelope of envelopes) if (envelope.v === 1) behaviour.observe(envelope);
    envelopes.forEach((envelope, index) => {
      if (envelope.v !== 1) {
        onFailure({ index, reason: 'unknown_version', message: `Unknown envelope version ${String(envelope.v)}` });
        return;
      }
      const site = siteLookup(envelope.siteId);
      if (!site) {
        onFailure({ index, reason: 'unknown_site', message: `Unknown site ${envelope.siteId}` });
        return;
      }
      try {
        rows.push(enrich(envelope, site, behaviour.verdictFor(envelope)));
      } catch (cause) {
        // One malformed envelope must not sink the batch: it goes to failed_events instead.
        const message = cause instanceof Error ? cause.message : String(cause);
        onFailure({ index, reason: 'enrichment_failure', message, cause });
      }
    });
    return rows;
  }

  return { enrich, enrichBatch };
}

function parseUrl(url: string | undefined): URL | null {
  if (!url) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function pixels(value: number | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_PIXELS
    ? Math.trunc(value)
    : null;
}
