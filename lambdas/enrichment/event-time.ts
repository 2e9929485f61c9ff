import type { CollectedEventEnvelope } from '../collection/collected-event';

/** Client clocks older than this are not trusted: a week covers offline queues and retries. */
export const MAX_EVENT_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * When the event happened: the client's timestamp, unless it lies after the collector received
 * the event or more than 7 days before, in which case the received time. Client clocks are wrong
 * often enough (and forgeable) that an unclamped one would scatter rows across partitions.
 *
 * @example
 * eventTimeOf({ timestamp: 1_000 }, 2_000);     // 1000
 * eventTimeOf({ timestamp: 5_000 }, 2_000);     // 2000: in the future
 * eventTimeOf({}, 2_000);                       // 2000
 */
export function eventTimeOf(event: { readonly timestamp?: number }, receivedAt: number): number {
  const ts = event.timestamp;
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return receivedAt;
  if (ts > receivedAt || ts < receivedAt - MAX_EVENT_AGE_MS) return receivedAt;
  return ts;
}

/**
 * The received time of an envelope, or `now()` when the collector left it unusable.
 *
 * @example
 * receivedAtOf(envelope, Date.now); // envelope.server.receivedAt
 */
export function receivedAtOf(envelope: CollectedEventEnvelope, now: () => number): number {
  const at = envelope.server.receivedAt;
  return typeof at === 'number' && Number.isFinite(at) ? at : now();
}
