import type { CollectedEventEnvelope, EventSource } from '../collection/collected-event';

/** Sources whose HTTP request comes from the visitor's own browser. */
const BROWSER_SOURCES: ReadonlySet<EventSource> = new Set(['tracker', 'pixel', 'redirect']);

/** Sources whose request comes from a backend (the customer's or a network's), never the visitor. */
const BACKEND_SOURCES: ReadonlySet<EventSource> = new Set(['server', 'postback']);

export interface VisitorContext {
  /** The visitor's full IP, when known; never stored untruncated. */
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** The request came from a browser, so a missing user agent is itself suspicious. */
  readonly fromBrowser: boolean;
}

/**
 * Whose IP and user agent an event carries. Segment-style `clientIp` / `clientUserAgent` win
 * (the caller says who the visitor was). Otherwise the connection's values are the visitor's only
 * for browser sources and Segment calls (analytics.js posts from the browser); a server-side
 * call or an affiliate postback comes from a backend whose address and UA would put a data
 * centre's location and a bot verdict on a real visitor.
 *
 * @example
 * visitorContextOf({ source: 'postback', server: { ip: '52.1.2.3', receivedAt }, event }); // { ip: null, userAgent: null, fromBrowser: false }
 */
export function visitorContextOf(envelope: CollectedEventEnvelope): VisitorContext {
  const { event, server, source } = envelope;
  const connectionIsVisitor = !BACKEND_SOURCES.has(source);
  return {
    ip: event.clientIp || (connectionIsVisitor ? server.ip : undefined) || null,
    userAgent: event.clientUserAgent || (connectionIsVisitor ? server.userAgent : undefined) || null,
    fromBrowser: BROWSER_SOURCES.has(source),
  };
}
