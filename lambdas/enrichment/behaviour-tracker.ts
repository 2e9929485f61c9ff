import type { CollectedEventEnvelope } from '../collection/collected-event';
import { eventTimeOf, receivedAtOf } from './event-time';

export type BehaviourReason = 'rate' | 'spacing' | 'no_engagement';

export interface BehaviourVerdict {
  readonly suspicious: boolean;
  readonly reasons: readonly BehaviourReason[];
}

export interface BehaviourThresholds {
  /** More page views than this within `windowMs` is faster than anyone reads. @default 20 */
  readonly maxPageViewsPerWindow: number;
  /** @default 10_000 */
  readonly windowMs: number;
  /** Page views closer together than this are machine-paced. @default 100 */
  readonly minSpacingMs: number;
  /** How many such gaps it takes: one can be an SPA firing twice. @default 3 */
  readonly maxFastGaps: number;
  /** This many page views with no engagement at all (no scroll, click or custom event). @default 10 */
  readonly noEngagementPageViews: number;
  /** A `page_engagement` this long (ms visible) counts as engagement, as GA4's engaged session does. @default 10_000 */
  readonly engagedVisibleMs: number;
}

export const DEFAULT_BEHAVIOUR_THRESHOLDS: BehaviourThresholds = {
  maxPageViewsPerWindow: 20,
  windowMs: 10_000,
  minSpacingMs: 100,
  maxFastGaps: 3,
  noEngagementPageViews: 10,
  engagedVisibleMs: 10_000,
};

export const HUMAN: BehaviourVerdict = { suspicious: false, reasons: [] };

interface Actor {
  readonly pageViewTimes: number[];
  engagements: number;
  verdict?: BehaviourVerdict;
}

/**
 * Judges visitors by what they did within one batch of events, fed in stream order. A visitor
 * is its anonymous id, or its IP and user agent when it has none (cookieless mode). Verdicts
 * cover the whole batch: the first page views of a scraper are as automated as its last.
 *
 * @example
 * const tracker = new BehaviourTracker();
 * for (const envelope of batch) tracker.observe(envelope);
 * const verdict = tracker.verdictFor(batch[0]); // { suspicious: true, reasons: ['rate'] } for a scraper
 */
export class BehaviourTracker {
  private readonly actors = new Map<string, Actor>();
  private readonly thresholds: BehaviourThresholds;

  constructor(thresholds: Partial<BehaviourThresholds> = {}) {
    this.thresholds = { ...DEFAULT_BEHAVIOUR_THRESHOLDS, ...thresholds };
  }

  observe(envelope: CollectedEventEnvelope): void {
    const key = actorKey(envelope);
    if (key === null) return;
    let actor = this.actors.get(key);
    if (!actor) {
      actor = { pageViewTimes: [], engagements: 0 };
      this.actors.set(key, actor);
    }
    actor.verdict = undefined;
    const { event } = envelope;
    if (event.type === 'page' || event.type === 'screen') {
      actor.pageViewTimes.push(eventTimeOf(event, receivedAtOf(envelope, Date.now)));
    } else if (this.isEngagement(envelope)) {
      actor.engagements++;
    }
  }

  verdictFor(envelope: CollectedEventEnvelope): BehaviourVerdict {
    const key = actorKey(envelope);
    const actor = key === null ? undefined : this.actors.get(key);
    if (!actor) return HUMAN;
    actor.verdict ??= this.judge(actor);
    return actor.verdict;
  }

  private isEngagement({ event }: CollectedEventEnvelope): boolean {
    if (event.type !== 'track') return event.type === 'click' || event.type === 'conversion';
    if (event.name !== 'page_engagement') return true;
    const visible = event.properties?.visible_ms;
    return typeof visible === 'number' && visible >= this.thresholds.engagedVisibleMs;
  }

  private judge(actor: Actor): BehaviourVerdict {
    const t = this.thresholds;
    const times = [...actor.pageViewTimes].sort((a, b) => a - b);
    const reasons: BehaviourReason[] = [];
    let start = 0;
    let fastGaps = 0;
    let tooFast = false;
    for (let end = 0; end < times.length; end++) {
      while (times[end] - times[start] >= t.windowMs) start++;
      if (end - start + 1 > t.maxPageViewsPerWindow) tooFast = true;
      if (end > 0 && times[end] - times[end - 1] < t.minSpacingMs) fastGaps++;
    }
    if (tooFast) reasons.push('rate');
    if (fastGaps >= t.maxFastGaps) reasons.push('spacing');
    if (times.length >= t.noEngagementPageViews && actor.engagements === 0) reasons.push('no_engagement');
    return reasons.length > 0 ? { suspicious: true, reasons } : HUMAN;
  }
}

function actorKey({ event, server }: CollectedEventEnvelope): string | null {
  if (event.anonymousId && !event.cookieless) return `a:${event.anonymousId}`;
  const ip = event.clientIp || server.ip;
  if (!ip) return null;
  return `n:${ip}|${event.clientUserAgent || server.userAgent || ''}`;
}
