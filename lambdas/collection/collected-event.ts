/**
 * What the collector puts on the event stream: one envelope per accepted event (or per rejected
 * one, as a failure), carrying the normalized event and the server context it arrived with.
 * Enrichment turns each into a lake row. Versioned: consumers must accept every version they
 * may find on the stream (retention is 24 h or more).
 */
export type EventSource = 'tracker' | 'pixel' | 'segment' | 'server' | 'postback' | 'redirect';

export type EventType = 'page' | 'track' | 'identify' | 'screen' | 'group' | 'alias' | 'click' | 'conversion';

export type PropertyValue = string | number | boolean | null;

/** Context the collector observed (never sent by the client itself). */
export interface ServerContext {
  readonly receivedAt: number;
  /** Full client IP as observed; enrichment truncates it before anything is stored. */
  readonly ip?: string;
  readonly userAgent?: string;
  /** CloudFront viewer geo headers when present (country, region, city, lat/long, time zone). */
  readonly geo?: {
    readonly country?: string;
    readonly region?: string;
    readonly city?: string;
    readonly latitude?: number;
    readonly longitude?: number;
    readonly timezone?: string;
  };
  /** The request's Origin header, when the browser sent one. */
  readonly origin?: string;
  /** GPC / DNT signals on the request. */
  readonly gpc?: boolean;
  readonly dnt?: boolean;
}

/** One event, normalized from whichever wire format it came in. */
export interface NormalizedEvent {
  readonly eventId: string;
  readonly type: EventType;
  readonly name?: string;
  /** Device time of the event (epoch ms). */
  readonly timestamp?: number;
  /** Device time the batch was sent (epoch ms): with the received time it measures the device's clock skew. */
  readonly sentAt?: number;
  readonly anonymousId?: string;
  readonly sessionId?: string;
  readonly userId?: string;
  /** alias: the previous id being linked to `userId`. */
  readonly previousId?: string;
  /** group: the account/company id. */
  readonly groupId?: string;
  readonly url?: string;
  readonly referrer?: string;
  readonly title?: string;
  /** Flat scalars from the tracker; any JSON (bounded in size) from Segment-compatible sources. */
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly traits?: Readonly<Record<string, unknown>>;
  readonly screen?: { readonly width?: number; readonly height?: number };
  readonly viewport?: { readonly width?: number; readonly height?: number };
  readonly language?: string;
  readonly timezone?: string;
  /** Sent without consent for storage: no persistent ids. */
  readonly cookieless?: boolean;
  /** Session-scoped campaign context the client kept from the landing page. */
  readonly campaign?: Readonly<Record<string, string>>;
  readonly clickIds?: Readonly<Record<string, string>>;
  readonly subIds?: Readonly<Record<string, string>>;
  /** Library and version that sent the event. */
  readonly sdk?: string;
  /** Segment context.ip / context.userAgent, which win over the connection's for write-key calls. */
  readonly clientIp?: string;
  readonly clientUserAgent?: string;
}

export interface CollectedEventEnvelope {
  readonly kind: 'event';
  readonly v: 1;
  readonly siteId: string;
  readonly organizationId: string;
  readonly source: EventSource;
  readonly server: ServerContext;
  readonly event: NormalizedEvent;
}

export type FailureReason =
  | 'schema_violation'
  | 'size_violation'
  | 'unknown_site'
  | 'origin_not_allowed'
  | 'invalid_json'
  | 'enrichment_failure'
  | 'identity_refused'
  | 'unknown_version';

/** The site id a failure is filed under when the payload named no site we know. */
export const UNKNOWN_SITE_ID = 'unknown';

export interface FailedEventEnvelope {
  readonly kind: 'failed';
  readonly v: 1;
  /** `unknown` when the payload named no site we know (reason `unknown_site`). */
  readonly siteId: string;
  readonly organizationId: string;
  readonly source: EventSource;
  readonly receivedAt: number;
  readonly reason: FailureReason;
  readonly field?: string;
  readonly message: string;
  /** The offending payload, truncated to 32 KB. */
  readonly payload: string;
  /** The request context needed to replay it (IP already truncated). */
  readonly context?: Pick<ServerContext, 'ip' | 'userAgent' | 'origin' | 'geo'>;
}

export type StreamEnvelope = CollectedEventEnvelope | FailedEventEnvelope;
