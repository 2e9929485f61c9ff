/** The API's answers as the dashboard reads them (the server's OpenAPI description is at /api/openapi.json). */

export type Role = 'owner' | 'admin' | 'analyst' | 'viewer';

export type AuthConfig =
  | { readonly kind: 'local' }
  | { readonly kind: 'cognito'; readonly region: string; readonly userPoolId: string; readonly clientId: string };

export interface Session {
  readonly user: { readonly id: string; readonly email: string; readonly role: Role };
  readonly organization: { readonly id: string; readonly name: string };
  readonly csrfToken?: string;
}

export interface Site {
  readonly id: string;
  readonly name: string;
  readonly domain: string;
  readonly siteKey: string;
  readonly allowedOrigins: readonly string[];
  readonly createdAt: string;
  readonly installation: { readonly status: 'waiting' | 'receiving' | 'quiet'; readonly lastEventAt: string | null };
}

export interface Totals {
  readonly visitors: number;
  readonly sessions: number;
  readonly pageviews: number;
  readonly bounceRate: number | null;
  readonly avgDurationSeconds: number | null;
  readonly conversions: number;
}

// A type, not an interface, so it passes as a query (an index signature) as it is.
export type DateRange = { readonly from: string; readonly to: string };

export interface Overview {
  readonly range: DateRange;
  readonly previousRange: DateRange;
  readonly current: Totals;
  readonly previous: Totals;
}

export interface SeriesPoint {
  readonly start: string;
  readonly visitors: number;
  readonly pageviews: number;
  readonly sessions: number;
  readonly bounceRate: number | null;
  readonly avgDurationSeconds: number | null;
}

export interface Timeseries {
  readonly interval: 'day' | 'hour';
  readonly points: readonly SeriesPoint[];
  readonly previous: readonly SeriesPoint[];
}

export type Cell = string | number | null;

export interface Page<T> {
  readonly rows: readonly T[];
  readonly limit: number;
  readonly offset: number;
  readonly hasMore: boolean;
}

export interface Breakdown extends Page<Readonly<Record<string, Cell>>> {
  readonly report: string;
  readonly columns: readonly { readonly key: string; readonly kind: 'dimension' | 'metric' }[];
}

export interface RealtimeEvent {
  readonly eventId: string | null;
  readonly type: string | null;
  readonly name: string | null;
  readonly receivedAt: string | null;
  readonly path: string | null;
  readonly title: string | null;
  readonly referrerHost: string | null;
  readonly channel: string | null;
  readonly country: string | null;
  readonly city: string | null;
  readonly browser: string | null;
  readonly os: string | null;
  readonly deviceType: string | null;
}

export interface Realtime {
  readonly activeVisitors: number;
  readonly pageviews: number;
  readonly since: string;
  readonly topPages: readonly { readonly path: string | null; readonly visitors: number }[];
  readonly events: readonly RealtimeEvent[];
}

export interface FunnelStep {
  readonly step: number;
  readonly key: string | null;
  readonly visitors: number;
  readonly conversionRate: number | null;
}

export interface RetentionCohort {
  readonly week: string;
  readonly size: number;
  readonly weeks: readonly {
    readonly weekNumber: number;
    readonly visitors: number;
    readonly retention: number | null;
  }[];
}

export interface PersonSummary {
  readonly id: string;
  readonly displayName: string | null;
  readonly email: string | null;
  readonly userId: string | null;
  readonly traits: Readonly<Record<string, unknown>>;
  readonly companies: readonly { readonly id: string; readonly domain: string | null; readonly name: string | null }[];
  readonly firstSeenAt: string;
  readonly lastSeenAt: string | null;
  readonly sessions: number;
}

export interface PersonProfile {
  readonly id: string;
  readonly siteId: string;
  readonly firstSeenAt: string;
  readonly mergedFrom: readonly string[];
  readonly identifiers: readonly {
    readonly type: string;
    readonly value: string | null;
    readonly firstSeenAt: string;
  }[];
  readonly traits: Readonly<Record<string, unknown>>;
  readonly companies: readonly {
    readonly id: string;
    readonly domain: string | null;
    readonly name: string | null;
    readonly source: string;
  }[];
  readonly merges: readonly {
    readonly from: string;
    readonly into: string;
    readonly rule: string;
    readonly mergedAt: string;
    readonly reversedAt: string | null;
  }[];
}

export interface PersonDetail {
  readonly person: PersonProfile;
  readonly redirectedFrom: string | null;
  readonly sessions: readonly {
    readonly sessionId: string;
    readonly startedAt: string;
    readonly lastEventAt: string;
    readonly eventCount: number;
    readonly entryUrl: string | null;
    readonly referrer: string | null;
  }[];
  readonly events: readonly {
    readonly eventId: string;
    readonly occurredAt: string;
    readonly sessionId: string | null;
    readonly type: string;
    readonly name: string | null;
    readonly url: string | null;
  }[];
}

/** What `DELETE /api/persons/{personId}` did (the right to erasure). */
export interface ErasureReport {
  /** The person erased: the one asked for, or the one it had been merged into. */
  readonly personId: string;
  /** That person and every person merged into it, all now tombstones. */
  readonly erasedPersonIds: readonly string[];
  readonly identifiersDeleted: number;
  /** PII keys deleted: every ciphertext made with them is unreadable. */
  readonly keysShredded: number;
  readonly rawEventsDeleted: number;
  readonly eventsDeleted: number;
  readonly sessionsDeleted: number;
  /** Conversions (postbacks) that named them: their ids and the network's payload cleared, the sale kept. */
  readonly conversionsPseudonymized: number;
  /** The lake still holds their events until the next daily maintenance rewrites it without them. */
  readonly lakeErasurePending: boolean;
  readonly erasedAt: string;
  /** True when the person had been erased before: nothing more was done. */
  readonly alreadyErased: boolean;
}

/**
 * `GET /api/persons/{personId}/export` (the right of access), as far as the dashboard reads it: it
 * saves the whole answer as a file, and only tells an erased person's tombstone apart.
 */
export type PersonExport =
  | { readonly personId: string; readonly erased: false; readonly exportedAt: string }
  | { readonly personId: string; readonly erased: true; readonly erasedAt: string };

/** What one kind of signal saw of a soft link's pair (never the IP, user agent or e-mail). */
export interface SoftLinkEvidence {
  readonly kind: 'email_variant' | 'ip_user_agent';
  /** The 30-minute windows the two were seen together in (1 for an e-mail variant). */
  readonly windows: number;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
}

/** A soft link: two persons weak signals say may be one, waiting for a reviewer. */
export interface SoftLink {
  readonly id: number;
  readonly siteId: string;
  /** The two persons as they are now (after merges). */
  readonly personA: string;
  readonly personB: string;
  /** The pair's evidence combined; below 1. */
  readonly score: number;
  /** One entry per kind of signal, strongest first. */
  readonly evidence: readonly SoftLinkEvidence[];
  readonly status: 'open' | 'accepted' | 'rejected';
  readonly createdAt: string;
  /** Who accepted or rejected it, and when; null while open. */
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
}

export interface SoftLinkPage {
  readonly links: readonly SoftLink[];
  /** The listed links' persons by id; one merged or erased since is absent. */
  readonly persons: Readonly<Record<string, PersonSummary>>;
  readonly limit: number;
  readonly offset: number;
  readonly hasMore: boolean;
}

export interface SoftLinkReview {
  readonly id: number;
  readonly status: 'accepted' | 'rejected';
  /** The person both are now, when accepted. */
  readonly personId?: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
}

export interface CompanySummary {
  readonly id: string;
  readonly domain: string | null;
  readonly name: string | null;
  readonly persons: number;
  readonly firstSeenAt: string | null;
}

export interface Member {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly you: boolean;
}

export interface Invitation {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface SiteSettings {
  readonly retentionDays: number | null;
  readonly ipv4PrefixBits: number;
  readonly ipv6PrefixBits: number;
  readonly honorDnt: boolean;
  readonly honorGpc: boolean;
  readonly consentDefault: 'granted' | 'withheld';
  readonly channelRules: readonly ChannelRule[];
  readonly affiliatePatterns: readonly string[];
  /** ISO 3166-1 alpha-2 region of phones typed without a country code; `null`: kept as typed. */
  readonly phoneRegion: string | null;
}

/** What a channel rule can test: each an exact value (any case) or a `/regex/flags`. */
export type ChannelRuleCondition = 'source' | 'medium' | 'referrerHost' | 'campaign';

/** A site's own channel, given to events whose traffic matches every condition set. */
export interface ChannelRule {
  readonly channel: string;
  readonly when: Readonly<Partial<Record<ChannelRuleCondition, string>>>;
}

/** The attribution models, in the order the API and the dashboard show them. */
export type AttributionModel = 'firstTouch' | 'lastTouch' | 'linear' | 'timeDecay' | 'positionBased';

export interface AttributionRow {
  readonly channel: string;
  /** Only when grouped by campaign. */
  readonly campaign?: string;
  readonly currency: string | null;
  readonly conversions: Readonly<Record<AttributionModel, number>>;
  readonly revenue: Readonly<Record<AttributionModel, number>>;
}
