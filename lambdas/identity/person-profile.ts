import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import type { OrganizationKeys } from './crypto/organization-keys';
import { personKeys } from './crypto/person-keys';
import { openText } from './crypto/pii-cipher';
import { identifierAad } from './identifier-aad';
import { traitAad } from './trait-rows';

export interface ProfileIdentifier {
  readonly type: string;
  /** Plaintext; for PII decrypted, or `null` when its key was shredded. */
  readonly value: string | null;
  readonly firstSeenAt: string;
}

export interface ProfileCompany {
  readonly id: string;
  readonly domain: string | null;
  readonly groupId: string | null;
  readonly name: string | null;
  readonly source: string;
  readonly firstSeenAt: string;
}

export interface ProfileMerge {
  readonly from: string;
  readonly into: string;
  readonly rule: string;
  readonly mergedAt: string;
  readonly reversedAt: string | null;
}

export interface ProfileConflict {
  readonly reason: string;
  readonly identifier: { readonly type: string; readonly value: string | null };
  readonly personIds: readonly string[];
  readonly detectedAt: string;
}

/** Everything identity resolution holds on one current person, as plain JSON. */
export interface PersonProfile {
  readonly id: string;
  readonly siteId: string;
  readonly firstSeenAt: string;
  readonly createdAt: string;
  /** Ids of persons merged into this one: events recorded under them belong here. */
  readonly mergedFrom: readonly string[];
  readonly identifiers: readonly ProfileIdentifier[];
  /** Effective traits: the latest `$set`, else the earliest `$set_once`. */
  readonly traits: Readonly<Record<string, unknown>>;
  readonly companies: readonly ProfileCompany[];
  readonly merges: readonly ProfileMerge[];
  readonly conflicts: readonly ProfileConflict[];
}

/** The profile of a current (not merged, not erased) person, PII decrypted; `undefined` when there is none. */
export async function loadPersonProfile(
  db: Kysely<Database>,
  keys: OrganizationKeys,
  organizationId: string,
  personId: string,
): Promise<PersonProfile | undefined> {
  const person = await db
    .selectFrom('persons')
    .select(['id', 'site_id', 'first_seen_at', 'created_at'])
    .where('id', '=', personId)
    .where('merged_into', 'is', null)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  if (!person) return undefined;

  const mergedFrom = await db
    .selectFrom('persons')
    .select('id')
    .where('merged_into', '=', personId)
    .orderBy('id')
    .execute();
  const identifiers = await db
    .selectFrom('identifiers')
    .select(['id', 'type', 'value', 'value_cipher', 'key_person_id', 'first_seen_at'])
    .where('person_id', '=', personId)
    .orderBy('type')
    .orderBy('first_seen_at')
    .execute();
  const traits = await db
    .selectFrom('person_traits')
    .select(['key', 'mode', 'value', 'value_cipher', 'key_person_id'])
    .where('person_id', '=', personId)
    .orderBy('key')
    .execute();
  const { rows: conflicts } = await raw<{
    reason: string;
    person_ids: string[];
    detected_at: Date;
    type: string;
    value: string;
    value_cipher: Uint8Array | null;
    key_person_id: string | null;
  }>`
    select c.reason, c.person_ids, c.detected_at, i.type, i.value, i.value_cipher, i.key_person_id
    from identity_conflicts c join identifiers i on i.id = c.identifier_id
    where i.person_id = ${personId}::uuid or ${personId}::uuid = any(c.person_ids)
    order by c.detected_at`.execute(db);

  const keyOwners = [...identifiers, ...traits, ...conflicts].flatMap((r) =>
    r.key_person_id ? [r.key_person_id] : [],
  );
  const piiKeys = await personKeys(db, keys.encryptionKey, organizationId, keyOwners, { create: false });
  const reveal = (cipher: Uint8Array | null, keyPersonId: string | null, aad: string): string | null => {
    const key = keyPersonId ? piiKeys.get(keyPersonId) : undefined;
    return cipher && key ? openText(key, cipher, aad) : null;
  };
  const identifierValue = (r: {
    type: string;
    value: string;
    value_cipher: Uint8Array | null;
    key_person_id: string | null;
  }) =>
    r.value_cipher || r.type === 'email' || r.type === 'phone'
      ? reveal(r.value_cipher, r.key_person_id, identifierAad(person.site_id, r.type, r.value))
      : r.value;

  const effective: Record<string, unknown> = {};
  for (const mode of ['set_once', 'set'] as const) {
    for (const t of traits.filter((t) => t.mode === mode)) {
      const sealed = t.value_cipher
        ? reveal(t.value_cipher, t.key_person_id, traitAad(t.key_person_id ?? '', t.key))
        : undefined;
      effective[t.key] = sealed === undefined ? t.value : sealed === null ? null : JSON.parse(sealed);
    }
  }

  const companies = await db
    .selectFrom('person_companies as pc')
    .innerJoin('companies as c', 'c.id', 'pc.company_id')
    .select(['c.id', 'c.domain', 'c.group_id', 'c.name', 'pc.source', 'pc.first_seen_at'])
    .where('pc.person_id', '=', personId)
    .orderBy('pc.first_seen_at')
    .execute();
  const mergedIds = [personId, ...mergedFrom.map((m) => m.id)];
  const merges = await db
    .selectFrom('person_merges')
    .select(['from_person_id', 'into_person_id', 'rule', 'merged_at', 'reversed_at'])
    .where((eb) => eb.or([eb('into_person_id', '=', personId), eb('from_person_id', 'in', mergedIds)]))
    .orderBy('merged_at')
    .orderBy('id')
    .execute();

  return {
    id: person.id,
    siteId: person.site_id,
    firstSeenAt: iso(person.first_seen_at),
    createdAt: iso(person.created_at),
    mergedFrom: mergedFrom.map((m) => m.id),
    identifiers: identifiers.map((r) => ({
      type: r.type,
      value: identifierValue(r),
      firstSeenAt: iso(r.first_seen_at),
    })),
    traits: effective,
    companies: companies.map((c) => ({
      id: c.id,
      domain: c.domain,
      groupId: c.group_id,
      name: c.name,
      source: c.source,
      firstSeenAt: iso(c.first_seen_at),
    })),
    merges: merges.map((m) => ({
      from: m.from_person_id,
      into: m.into_person_id,
      rule: m.rule,
      mergedAt: iso(m.merged_at),
      reversedAt: m.reversed_at ? iso(m.reversed_at) : null,
    })),
    conflicts: conflicts.map((c) => ({
      reason: c.reason,
      identifier: { type: c.type, value: identifierValue(c) },
      personIds: c.person_ids,
      detectedAt: iso(c.detected_at),
    })),
  };
}

export function iso(value: Date | string): string {
  return new Date(value).toISOString();
}
