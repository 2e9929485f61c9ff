import { createHash } from 'node:crypto';
import { type Kysely, type RawBuilder, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import { sealText } from './crypto/pii-cipher';
import type { RawEventPayload } from './observation';
import { recordset, writeTogether } from './sql-values';

/** A raw event to keep, with the person its observation resolved to. */
export interface RawEventToKeep {
  readonly siteId: string;
  readonly eventId: string;
  readonly personId: string;
  readonly raw: RawEventPayload;
}

/**
 * The write that keeps raw events, as a `raw_kept` fragment for `writeTogether` (undefined for none).
 * Each is identified by the SHA-256 of its event's canonical JSON (keys sorted), so a redelivered,
 * replayed or retried copy is a no-op, and sealed with the key of the person it resolved to: erasing
 * that person crypto-shreds it (the database's own backups hold the key until they expire). The slim event's write ties a kept copy to the
 * person a redelivery resolves to (`slimEventWrites`).
 *
 * @example
 * const kept = rawEventWrite(organizationId, [{ siteId, eventId, personId, raw }], (id) => keys.get(id));
 * if (kept) await writeTogether(trx, [kept]);
 */
export function rawEventWrite(
  organizationId: string,
  events: readonly RawEventToKeep[],
  personKey: (personId: string) => Uint8Array,
): RawBuilder<unknown> | undefined {
  if (events.length === 0) return undefined;
  const rows = events.map((e) => {
    const canonical = canonicalJson(e.raw.event);
    const sha256 = createHash('sha256').update(canonical).digest('hex');
    const sealed = sealText(personKey(e.personId), canonical, rawEventAad(e.siteId, sha256));
    return {
      site_id: e.siteId,
      sha256,
      event_id: e.eventId,
      received_at: new Date(e.raw.receivedAt).toISOString(),
      cipher: Buffer.from(sealed).toString('base64'),
      person_id: e.personId,
    };
  });
  return raw`raw_kept as (
    insert into raw_events (organization_id, site_id, sha256, event_id, received_at, payload_cipher, person_id, key_person_id)
    select ${organizationId}::uuid, x.site_id, decode(x.sha256, 'hex'), x.event_id, x.received_at,
      decode(x.cipher, 'base64'), x.person_id, x.person_id
    from ${recordset(rows, 'site_id uuid, sha256 text, event_id text, received_at timestamptz, cipher text, person_id uuid')} as x
    order by x.site_id, x.sha256
    on conflict (site_id, sha256) do nothing
  )`;
}

/**
 * Keeps raw events in a statement of their own (`rawEventWrite`).
 *
 * @example
 * await keepRawEvents(trx, organizationId, [{ siteId, eventId, personId, raw }], (id) => keys.get(id));
 */
export async function keepRawEvents(
  db: Kysely<Database>,
  organizationId: string,
  events: readonly RawEventToKeep[],
  personKey: (personId: string) => Uint8Array,
): Promise<void> {
  const kept = rawEventWrite(organizationId, events, personKey);
  if (kept) await writeTogether(db, [kept]);
}

/** Where a sealed raw payload is bound: its site and content hash. */
export function rawEventAad(siteId: string, sha256Hex: string): string {
  return `raw-event:${siteId}:${sha256Hex}`;
}

/**
 * JSON with object keys sorted at every depth: equal values, equal text. Exactly
 * `JSON.stringify` of the value with its keys sorted, written in one walk (no sorted copy made).
 */
export function canonicalJson(value: unknown): string {
  return canonical(value) ?? 'null';
}

function canonical(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return canonical(json.call(value));
  if (Array.isArray(value)) return `[${value.map((item) => canonical(item) ?? 'null').join(',')}]`;
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const text = canonical(record[key]);
    if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${members.join(',')}}`;
}
