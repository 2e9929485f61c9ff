import { parquetReadObjects } from 'hyparquet';
import { sql } from 'kysely';
import { normalizeIdentifier } from '../identity/identifier-normalization';
import type { IdentifierType } from '../identity/identifier-types';
import { erasableLakeTables } from '../lake/tables';
import { rowsToParquet } from '../lake/write-parquet';
import type { ObjectStore } from '../ports/object-store';
import type { Sql } from '../ports/sql';

/**
 * How long after an erasure the lake is rewritten: events received before it may still sit in a
 * Firehose buffer (at most 900 s) or the local sink's, and would land after a rewrite that came too
 * soon.
 */
export const LAKE_ERASURE_DELAY_MS = 15 * 60_000;

export interface LakeErasureDeps {
  /** The system role: erasure requests of every organization. */
  readonly sql: Sql;
  /** The event lake: S3 in AWS, the local lake directory in `npm start`. */
  readonly lake: ObjectStore;
}

/** One site's pass over its lake files for the erasures it owed. */
export interface SiteLakeErasure {
  readonly siteId: string;
  /** The erasure requests completed by the pass. */
  readonly requests: number;
  readonly objectsRead: number;
  /** Files written again without the erased rows, and files that held nothing else (deleted). */
  readonly objectsRewritten: number;
  readonly objectsDeleted: number;
  readonly rowsRemoved: number;
}

type Row = Record<string, unknown>;

/** When each erased id was erased: rows of it from before then are removed. */
interface ErasedIds {
  readonly anonymous: Map<string, number>;
  readonly users: Map<string, number>;
  /** IDFA, GAID, IDFV and device ids, lower case as identity stores them. */
  readonly devices: Map<string, number>;
}

/** Device id keys of a postback's conversion properties (`postbacks/conversion-envelope.ts`). */
const DEVICE_PROPERTIES = ['idfa', 'gaid', 'idfv', 'device_id'] as const;

/**
 * An id as the lake holds it (as the client sent it) in the form identity stored the erased one in
 * (zero-width characters removed, trimmed, device ids lower case); `undefined` when it is none.
 */
function storedForm(type: IdentifierType, id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  const normalized = normalizeIdentifier({ type, value: id });
  return normalized.ok ? normalized.value : undefined;
}

/** When the device ids a row's properties name were erased (-1 for none). */
function deviceErasedAt(properties: unknown, devices: Map<string, number>): number {
  if (devices.size === 0 || typeof properties !== 'string') return -1;
  let parsed: unknown;
  try {
    parsed = JSON.parse(properties);
  } catch {
    return -1;
  }
  if (parsed === null || typeof parsed !== 'object') return -1;
  const named = DEVICE_PROPERTIES.map((key) => storedForm(key, (parsed as Record<string, unknown>)[key]));
  return Math.max(-1, ...named.map((id) => (id === undefined ? -1 : (devices.get(id) ?? -1))));
}

/**
 * The lake tables that hold a visitor's ids, and which of their rows are an erased person's: events
 * under their anonymous or user id, or whose properties name one of their device ids (a postback's
 * conversion), received before the erasure (ids compared as identity stores them), the daily rollups' rows of their
 * anonymous id (as `visitor`) of days up to it, and failures received before it whose stored payload
 * names one of their ids. `page_days` holds no ids.
 */
const ERASED_ROWS: Readonly<Record<string, (row: Row, ids: ErasedIds, day: string) => boolean>> = {
  events: (row, ids) => {
    const received = receivedAt(row);
    const by = (map: Map<string, number>, type: IdentifierType, id: unknown) => {
      const stored = storedForm(type, id);
      return stored !== undefined && (map.get(stored) ?? -1) >= received;
    };
    return (
      by(ids.anonymous, 'anonymous_id', row.anonymous_id) ||
      by(ids.users, 'user_id', row.user_id) ||
      deviceErasedAt(row.properties, ids.devices) >= received
    );
  },
  session_days: (row, ids, day) => erasedVisitor(row, ids, day),
  visitor_days: (row, ids, day) => erasedVisitor(row, ids, day),
  failed_events: (row, ids) =>
    typeof row.payload === 'string' &&
    payloadIds(row.payload).some((id) => {
      const [anonymous, user] = [storedForm('anonymous_id', id), storedForm('user_id', id)];
      const at = Math.max(ids.anonymous.get(anonymous ?? '') ?? -1, ids.users.get(user ?? '') ?? -1);
      return at >= receivedAt(row);
    }),
};

function receivedAt(row: Row): number {
  return row.received_at instanceof Date ? row.received_at.getTime() : Number.NEGATIVE_INFINITY;
}

const PAYLOAD_ID =
  /"(anonymousId|anonymous_id|aid|userId|user_id|uid|previousId|previous_id)"\s*:\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)(?=\s*[,}\]]))/g;

/**
 * The visitor ids a stored failure payload names: `anonymousId`, `userId` and an alias's
 * `previousId` (either spelling; Segment's may be numbers), the tracker's `aid` and `uid`, at any
 * depth. Read from the text, not parsed: a payload cut at 32 KB is not JSON any more, but each
 * complete `"key": value` in it still names its visitor.
 */
export function payloadIds(payload: string): string[] {
  const ids: string[] = [];
  for (const match of payload.matchAll(PAYLOAD_ID)) {
    if (match[3] !== undefined) {
      ids.push(match[3]);
      continue;
    }
    try {
      ids.push(JSON.parse(`"${match[2]}"`) as string);
    } catch {
      // An escape cut in half: not a whole id.
    }
  }
  return ids;
}

function erasedVisitor(row: Row, ids: ErasedIds, day: string): boolean {
  const visitor = storedForm('anonymous_id', row.visitor);
  return visitor !== undefined && (ids.anonymous.get(visitor) ?? -1) >= Date.parse(`${day}T00:00:00Z`);
}

/**
 * Completes the erasures the lake owes (`lake_erasures`, recorded by `erasePerson`): for each site
 * with requests older than `LAKE_ERASURE_DELAY_MS`, every Parquet file of its events, rollups and failures is
 * read, and a file holding an erased person's rows is written again without them (deleted when
 * nothing is left), at the same key. Then the requests are marked done and their ids cleared. A
 * pass cut short leaves its requests pending, and the next pass finds what is left. Run by the daily
 * maintenance, before the rollups (which then roll the changed days up again).
 *
 * @example
 * const [site] = await eraseFromLake({ sql, lake }, new Date()); // { siteId, requests: 1, rowsRemoved: 12, ... }
 */
export async function eraseFromLake(deps: LakeErasureDeps, now: Date): Promise<SiteLakeErasure[]> {
  const due = await deps.sql.db
    .selectFrom('lake_erasures')
    .select(['id', 'site_id', 'anonymous_ids', 'user_ids', 'device_ids', 'requested_at'])
    .where('completed_at', 'is', null)
    .where('requested_at', '<=', new Date(now.getTime() - LAKE_ERASURE_DELAY_MS))
    .orderBy('site_id')
    .orderBy('id')
    .execute();
  const bySite = new Map<string, typeof due>();
  for (const request of due) bySite.set(request.site_id, [...(bySite.get(request.site_id) ?? []), request]);

  const reports: SiteLakeErasure[] = [];
  for (const [siteId, requests] of bySite) {
    const ids: ErasedIds = { anonymous: new Map(), users: new Map(), devices: new Map() };
    for (const r of requests) {
      const at = new Date(r.requested_at).getTime();
      for (const id of r.anonymous_ids) ids.anonymous.set(id, Math.max(at, ids.anonymous.get(id) ?? at));
      for (const id of r.user_ids) ids.users.set(id, Math.max(at, ids.users.get(id) ?? at));
      for (const id of r.device_ids) ids.devices.set(id, Math.max(at, ids.devices.get(id) ?? at));
    }
    const report = {
      siteId,
      requests: requests.length,
      objectsRead: 0,
      objectsRewritten: 0,
      objectsDeleted: 0,
      rowsRemoved: 0,
    };
    for (const table of erasableLakeTables) {
      const erased = ERASED_ROWS[table.name];
      if (!erased) throw new Error(`no erasure rule for lake table ${table.name}`);
      const sitePrefix = `${table.prefix}site_id=${siteId}/`;
      for await (const object of deps.lake.list(sitePrefix)) {
        const body = await deps.lake.get(object.key);
        if (!body || !isParquet(body)) continue;
        report.objectsRead++;
        const day = /(?:^|\/)dt=(\d{4}-\d{2}-\d{2})\//.exec(object.key)?.[1] ?? '9999-12-31';
        const rows = await parquetReadObjects({ file: toArrayBuffer(body) });
        const kept = rows.filter((row) => !erased(row, ids, day));
        if (kept.length === rows.length) continue;
        report.rowsRemoved += rows.length - kept.length;
        if (kept.length === 0) {
          await deps.lake.delete(object.key);
          report.objectsDeleted++;
        } else {
          await deps.lake.put(object.key, rowsToParquet(table, kept), {
            contentType: 'application/vnd.apache.parquet',
          });
          report.objectsRewritten++;
        }
      }
    }
    // Done: the ids are no longer needed anywhere; the rows remain as the record of the erasure.
    await deps.sql.db
      .updateTable('lake_erasures')
      .set({
        completed_at: now,
        rows_removed: report.rowsRemoved,
        anonymous_ids: sql`'{}'`,
        user_ids: sql`'{}'`,
        device_ids: sql`'{}'`,
      })
      .where(
        'id',
        'in',
        requests.map((r) => r.id),
      )
      .execute();
    reports.push(report);
  }
  return reports;
}

/** Parquet files begin and end with `PAR1`; anything else under a table's prefix is left alone. */
function isParquet(body: Uint8Array): boolean {
  const magic = [0x50, 0x41, 0x52, 0x31];
  return body.length >= 12 && magic.every((b, i) => body[i] === b && body[body.length - 4 + i] === b);
}

function toArrayBuffer(body: Uint8Array): ArrayBuffer {
  return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
}
