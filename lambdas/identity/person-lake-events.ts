import { isoTimestamp, timestampParam } from '../api/stats/lake-values';
import { ValidationError } from '../core/errors';
import { renderNamedQuery } from '../lake/named-queries';
import type { LakeActivityDeps, LakeIdentifier } from '../lifecycle/lake-activity';
import { lakeStoredForm } from '../lifecycle/lake-activity';

/** Lake events of one person per page (`lakeEventsOfPerson`). */
export const LAKE_EVENT_PAGE_SIZE = 1_000;
/** Ids per query: Athena takes each as an execution parameter (with the site and the cursor's three, 24). */
const IDS_PER_QUERY = 20;
/**
 * Ids asked about at most: identity keeps up to 200 anonymous ids per person (`DEFAULT_IDENTITY_RULES`),
 * and every one of them is owed in the right of access; past this the rest are named in `idsLeftOut`.
 */
const MAX_IDS = 1_000;

export interface LakeEventPage {
  /** Every column the lake holds, oldest first (then by event id); timestamps as ISO 8601. */
  readonly events: readonly Record<string, unknown>[];
  /** Pass as `after` for the next page; `null` on the last. */
  readonly next: string | null;
}

/**
 * The events the site's lake holds under a person's anonymous and user ids (compared as identity
 * stores them), for the right of access: the lake keeps each event whole (URL, truncated IP, user
 * agent, place, properties), which PostgreSQL does not. Keyset pages ordered by event time and id,
 * the ids asked about `IDS_PER_QUERY` at a time (at most `MAX_IDS`; the rest named in `idsLeftOut`).
 *
 * @example
 * const first = await lakeEventsOfPerson(deps, siteId, [{ type: 'anonymous_id', value: 'a-1' }]);
 * const second = first.next ? await lakeEventsOfPerson(deps, siteId, ids, { after: first.next }) : undefined;
 */
export async function lakeEventsOfPerson(
  deps: LakeActivityDeps,
  siteId: string,
  identifiers: readonly LakeIdentifier[],
  page: { readonly after?: string; readonly limit?: number } = {},
): Promise<LakeEventPage & { readonly idsLeftOut: number }> {
  const limit = page.limit ?? LAKE_EVENT_PAGE_SIZE;
  const valuesOf = (type: LakeIdentifier['type']) => [
    ...new Set(identifiers.filter((i) => i.type === type).map((i) => i.value)),
  ];
  const wanted = [
    ...valuesOf('anonymous_id').map((value) => ({ type: 'anonymous_id' as const, value })),
    ...valuesOf('user_id').map((value) => ({ type: 'user_id' as const, value })),
  ];
  const asked = wanted.slice(0, MAX_IDS);
  const idsLeftOut = wanted.length - asked.length;
  if (asked.length === 0) return { events: [], next: null, idsLeftOut };
  const cursor = page.after === undefined ? undefined : parseCursor(page.after);
  // Each query asks about some of the ids and reads its own first `limit + 1` after the cursor; the
  // page is the first `limit + 1` of them all (an event under ids of two queries counted once).
  const merged = new Map<string, Record<string, unknown>>();
  for (let start = 0; start < asked.length; start += IDS_PER_QUERY) {
    for (const row of await queryIds(deps, siteId, asked.slice(start, start + IDS_PER_QUERY), limit, cursor)) {
      merged.set(JSON.stringify(row), row);
    }
  }
  const rows = [...merged.values()].sort(byTimeAndId).slice(0, limit + 1);
  const events = rows.slice(0, limit);
  const last = events.at(-1);
  const next = rows.length > limit && last ? cursorOf(String(last.event_time), String(last.event_id)) : null;
  return { events, next, idsLeftOut };
}

/** One query's events (`limit + 1` at most) under `ids`, after `cursor`, as JSON can carry them. */
async function queryIds(
  deps: LakeActivityDeps,
  siteId: string,
  ids: readonly LakeIdentifier[],
  limit: number,
  cursor: { at: number; eventId: string } | undefined,
): Promise<Record<string, unknown>[]> {
  const anonymousIds = ids.filter((i) => i.type === 'anonymous_id').map((i) => i.value);
  const userIds = ids.filter((i) => i.type === 'user_id').map((i) => i.value);
  const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
  const naming = [
    ...(anonymousIds.length > 0 ? [`${lakeStoredForm('anonymous_id')} IN (${placeholders(anonymousIds.length)})`] : []),
    ...(userIds.length > 0 ? [`${lakeStoredForm('user_id')} IN (${placeholders(userIds.length)})`] : []),
  ].join(' OR ');
  const sql = `SELECT *
  FROM {{database}}.events
  WHERE site_id = ?
    AND (${naming})${
      cursor
        ? `
    AND (event_time > CAST(? AS timestamp) OR (event_time = CAST(? AS timestamp) AND event_id > ?))`
        : ''
    }
  ORDER BY event_time, event_id
  LIMIT ${limit + 1}`;
  const params = [
    siteId,
    ...anonymousIds,
    ...userIds,
    ...(cursor ? [timestampParam(cursor.at), timestampParam(cursor.at), cursor.eventId] : []),
  ];
  const { rows } = await deps.analytics.query(renderNamedQuery(sql, { database: deps.analyticsDatabase }), {
    params,
    maxRows: limit + 1,
  });
  return rows.map(jsonSafe);
}

/** The engines' order: event time, then event id in code point order (UTF-8 bytes, as both compare text). */
function byTimeAndId(x: Record<string, unknown>, y: Record<string, unknown>): number {
  const [tx, ty] = [Date.parse(String(x.event_time)), Date.parse(String(y.event_time))];
  if (tx !== ty) return tx < ty ? -1 : 1;
  return Buffer.compare(Buffer.from(String(x.event_id)), Buffer.from(String(y.event_id)));
}

/** A row as JSON can carry it: timestamps as ISO 8601, 64-bit integers as numbers. */
function jsonSafe(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => {
      if (value instanceof Date) return [key, value.toISOString()];
      if (typeof value === 'bigint') return [key, Number(value)];
      if ((key === 'event_time' || key === 'received_at') && typeof value === 'string')
        return [key, isoTimestamp(value) ?? value];
      return [key, value];
    }),
  );
}

function cursorOf(eventTime: string, eventId: string): string {
  return Buffer.from(JSON.stringify({ t: eventTime, e: eventId })).toString('base64url');
}

function parseCursor(after: string): { at: number; eventId: string } {
  try {
    const { t, e } = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as { t?: unknown; e?: unknown };
    const at = typeof t === 'string' ? Date.parse(t) : Number.NaN;
    if (Number.isNaN(at) || typeof e !== 'string' || e.length === 0 || e.length > 256) throw new Error('malformed');
    return { at, eventId: e };
  } catch {
    throw new ValidationError('after must be the `next` of a previous page', 'after');
  }
}
