import type { CollectedEventEnvelope } from '../collection/collected-event';

/** Client clocks older than this are not trusted: a week covers offline queues and retries. */
export const MAX_EVENT_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * When the event happened. With the device's send time known, the device clock's skew cancels
 * out: received time − (sent time − device time), as Snowplow derives it. Otherwise the device
 * timestamp as given. Either way it is clamped: a time after the collector received the event,
 * or more than 7 days before, becomes the received time (clocks are wrong often enough, and
 * forgeable, that an unclamped one would scatter rows across partitions).
 *
 * @example
 * eventTimeOf({ timestamp: 1_000 }, 2_000);                 // 1000
 * eventTimeOf({ timestamp: 9_000, sentAt: 9_500 }, 2_000);  // 1500: device clock 7.5 s fast
 * eventTimeOf({ timestamp: 5_000 }, 2_000);                 // 2000: in the future
 * eventTimeOf({}, 2_000);                                   // 2000
 */
export function eventTimeOf(
  event: { readonly timestamp?: number; readonly sentAt?: number },
  receivedAt: number,
): number {
  const device = event.timestamp;
  if (typeof device !== 'number' || !Number.isFinite(device)) return receivedAt;
  const sentAt = event.sentAt;
  const ts =
    typeof sentAt === 'number' && Number.isFinite(sentAt) && sentAt >= device ? receivedAt - (sentAt - device) : device;
  if (ts > receivedAt || ts < receivedAt - MAX_EVENT_AGE_MS) return receivedAt;
  return ts;
}

/**
 * The received time of an envelope, or `now()` when it is unusable (missing, or outside
 * [epoch, now + 1 day]).
 *
 * @example
 * receivedAtOf(envelope, Date.now); // envelope.server.receivedAt
 */
export function receivedAtOf(envelope: CollectedEventEnvelope, now: () => number): number {
  const at = envelope.server.receivedAt;
  const current = now();
  // The collector's own clock: anything before the Unix epoch or beyond a day ahead is corruption.
  return typeof at === 'number' && Number.isFinite(at) && at >= 0 && at <= current + 86_400_000 ? at : current;
}
