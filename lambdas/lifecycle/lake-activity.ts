import { isoTimestamp } from '../api/stats/lake-values';
import { renderNamedQuery } from '../lake/named-queries';
import type { Analytics } from '../ports/analytics';

export interface LakeActivityDeps {
  /** Reads the lake: Athena in AWS, DuckDB locally. */
  readonly analytics: Analytics;
  /** What `{{database}}` renders as: the Glue database, or `LOCAL_DATABASE`. */
  readonly analyticsDatabase: string;
}

/** The identifiers the lake's events carry as columns of their own. */
export type LakeIdentifierType = 'anonymous_id' | 'user_id';

export interface LakeIdentifier {
  readonly type: LakeIdentifierType;
  readonly value: string;
}

/** Values per query: Athena takes each as an execution parameter. */
const CHUNK = 200;

/** `type:value`, the key of `lastSeenInLake`'s answer. */
export const lakeIdentifierKey = (identifier: LakeIdentifier): string => `${identifier.type}:${identifier.value}`;

/**
 * When each identifier was last seen in the site's lake events on or after `sinceDay` (every event,
 * bots included: what is asked is whether the visitor is still around, not who they are). Values are
 * compared as identity resolution stores them (zero-width characters removed, trimmed). Identifiers not seen are absent.
 *
 * @example
 * await lastSeenInLake(deps, siteId, '2026-10-23', [{ type: 'anonymous_id', value: 'a-1' }]);
 * // Map { 'anonymous_id:a-1' => 2026-11-20T09:12:00.000Z }
 */
export async function lastSeenInLake(
  deps: LakeActivityDeps,
  siteId: string,
  sinceDay: string,
  identifiers: readonly LakeIdentifier[],
): Promise<Map<string, Date>> {
  const seen = new Map<string, Date>();
  for (const type of ['anonymous_id', 'user_id'] as const) {
    const values = [...new Set(identifiers.filter((i) => i.type === type).map((i) => i.value))];
    for (let start = 0; start < values.length; start += CHUNK) {
      const chunk = values.slice(start, start + CHUNK);
      const { rows } = await deps.analytics.query(
        renderNamedQuery(lastSeenSql(type, chunk.length), { database: deps.analyticsDatabase }),
        { params: [siteId, sinceDay, ...chunk], maxRows: chunk.length },
      );
      for (const row of rows) {
        const at = isoTimestamp(row.last_seen);
        if (typeof row.value === 'string' && at) seen.set(lakeIdentifierKey({ type, value: row.value }), new Date(at));
      }
    }
  }
  return seen;
}

/** Zero-width space, (non-)joiner, word joiner, BOM: identity removes them (`identifier-normalization.ts`). */
const ZERO_WIDTH_CODE_POINTS = [0x200b, 0x200c, 0x200d, 0x2060, 0xfeff];

/** The column as identity stores it: zero-width characters removed (`chr` is both Trino's and DuckDB's), trimmed. */
export function lakeStoredForm(column: LakeIdentifierType): string {
  const stripped = ZERO_WIDTH_CODE_POINTS.reduce<string>((expr, code) => `replace(${expr}, chr(${code}), '')`, column);
  return `trim(${stripped})`;
}

function lastSeenSql(column: LakeIdentifierType, count: number): string {
  const values = Array.from({ length: count }, () => '?').join(', ');
  return `SELECT ${lakeStoredForm(column)} AS value, max(event_time) AS last_seen
  FROM {{database}}.events
  WHERE site_id = ?
    AND dt >= ?
    AND ${lakeStoredForm(column)} IN (${values})
  GROUP BY 1`;
}
