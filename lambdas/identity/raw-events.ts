import { createHash } from 'node:crypto';
import { sql as raw } from 'kysely';
import { withOrganization } from '../db/tenant';
import { sealText } from './crypto/pii-cipher';
import type { IdentityAccess } from './identity-access';

export interface RawEventInput {
  readonly organizationId: string;
  readonly siteId: string;
  readonly eventId: string;
  /** Epoch ms. */
  readonly receivedAt: number;
  /** The event as received (it may hold PII: it is stored sealed). */
  readonly payload: unknown;
}

/**
 * Keeps a raw event once: identified by the SHA-256 of its canonical JSON (keys sorted), so a
 * redelivered or replayed copy is a no-op. The payload is sealed with the organization's payload key;
 * the resolver ties it to the person its event resolved to, and erasure deletes it.
 *
 * @example
 * const { stored, sha256 } = await storeRawEvent({ sql, keyring }, { organizationId, siteId, eventId, receivedAt, payload });
 */
export async function storeRawEvent(
  access: IdentityAccess,
  input: RawEventInput,
): Promise<{ readonly stored: boolean; readonly sha256: string }> {
  const canonical = canonicalJson(input.payload);
  const sha256 = createHash('sha256').update(canonical).digest();
  const hex = sha256.toString('hex');
  const keys = await access.keyring.keysFor(input.organizationId);
  const sealed = sealText(keys.payloadKey, canonical, rawEventAad(input.siteId, hex));
  const { rows } = await withOrganization(access.sql, input.organizationId, (trx) =>
    raw<{ event_id: string }>`
      insert into raw_events (organization_id, site_id, sha256, event_id, received_at, payload_cipher, person_id)
      values (${input.organizationId}::uuid, ${input.siteId}::uuid, ${sha256}, ${input.eventId}::text,
        ${new Date(input.receivedAt)}::timestamptz, ${Buffer.from(sealed)},
        (select person_id from events where site_id = ${input.siteId}::uuid and event_id = ${input.eventId}::text limit 1))
      on conflict (site_id, sha256) do nothing
      returning event_id`.execute(trx),
  );
  return { stored: rows.length > 0, sha256: hex };
}

/** Where a sealed raw payload is bound: its site and content hash. */
export function rawEventAad(siteId: string, sha256Hex: string): string {
  return `raw-event:${siteId}:${sha256Hex}`;
}

/** JSON with object keys sorted at every depth: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
