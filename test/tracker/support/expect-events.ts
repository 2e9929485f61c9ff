import { isDeepStrictEqual } from 'node:util';
import type { EventCollector, TrackedEvent } from './collector';

/** A partial event: objects match when every given key matches; jest asymmetric matchers work too. */
export type EventMatcher = { [K in keyof TrackedEvent]?: unknown } & Record<string, unknown>;

export interface ExpectEventsOptions {
  /** Each must match at least one event that arrived after the action started. */
  expected?: EventMatcher[];
  /** None may match any event that arrived after the action, by the end of `settleMs`. */
  refuted?: EventMatcher[];
  /** Exactly this many new events, checked after `settleMs`. */
  count?: number;
  /** How long to wait for the expected events. @default 10000 */
  timeoutMs?: number;
  /**
   * How long to keep listening once the expected events are in, so refuted ones have had their
   * chance to arrive. @default 0 with `expected`, else 3000 (more than one 2-second batch)
   */
  settleMs?: number;
}

interface Asymmetric {
  asymmetricMatch(other: unknown): boolean;
}

const isAsymmetric = (v: unknown): v is Asymmetric =>
  typeof v === 'object' && v !== null && typeof (v as Partial<Asymmetric>).asymmetricMatch === 'function';

/** `toMatchObject` semantics: objects partially, arrays and scalars exactly, asymmetric matchers by themselves. */
export function matches(actual: unknown, expected: unknown): boolean {
  if (isAsymmetric(expected)) return expected.asymmetricMatch(actual);
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matches(actual[i], e))
    );
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) return false;
    return Object.entries(expected).every(([k, v]) => matches((actual as Record<string, unknown>)[k], v));
  }
  return isDeepStrictEqual(actual, expected);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const describeEvent = (e: TrackedEvent): string =>
  JSON.stringify({ type: e.type, name: e.name, url: e.url, props: e.props });

/**
 * Runs `action` (which drives the page) and waits, polling the collector, until the events it
 * caused arrive; then asserts on them. Every tracker browser test goes through here.
 * Events that had arrived before the action are not considered (matched by event id).
 *
 * @example
 * const events = await expectEventsInAction(collector, () => page.click('#outbound'), {
 *   expected: [{ type: 'track', name: 'outbound_click', props: { href: 'https://example.org/' } }],
 * });
 */
export async function expectEventsInAction(
  collector: EventCollector,
  action: () => Promise<unknown>,
  options: ExpectEventsOptions,
): Promise<TrackedEvent[]> {
  const expected = options.expected ?? [];
  const refuted = options.refuted ?? [];
  const timeoutMs = options.timeoutMs ?? 10000;
  const settleMs = options.settleMs ?? (expected.length ? 0 : 3000);
  const before = new Set((await collector.receivedEvents()).map((e) => e.id));
  const fresh = async () => (await collector.receivedEvents()).filter((e) => !before.has(e.id));

  await action();

  const deadline = Date.now() + timeoutMs;
  let events = await fresh();
  let missing = expected.filter((m) => !events.some((e) => matches(e, m)));
  while (missing.length && Date.now() < deadline) {
    await sleep(50);
    events = await fresh();
    missing = expected.filter((m) => !events.some((e) => matches(e, m)));
  }
  if (missing.length) {
    throw new Error(
      `expected events did not arrive within ${timeoutMs} ms:\n  ${missing.map((m) => JSON.stringify(m)).join('\n  ')}\n` +
        `received after the action:\n  ${events.map(describeEvent).join('\n  ') || '(nothing)'}`,
    );
  }
  if (settleMs) {
    await sleep(settleMs);
    events = await fresh();
  }
  const unwanted = events.filter((e) => refuted.some((m) => matches(e, m)));
  if (unwanted.length) {
    throw new Error(`refuted events arrived:\n  ${unwanted.map((e) => JSON.stringify(e)).join('\n  ')}`);
  }
  if (options.count !== undefined && events.length !== options.count) {
    throw new Error(
      `expected ${options.count} events, received ${events.length}:\n  ${events.map(describeEvent).join('\n  ')}`,
    );
  }
  return events;
}
