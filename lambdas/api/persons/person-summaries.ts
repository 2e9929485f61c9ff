import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { OrganizationKeys } from '../../identity/crypto/organization-keys';
import { loadPersonProfiles, type PersonProfile } from '../../identity/person-profile';

/** A person as a row of the visitors list. */
export interface PersonSummary {
  readonly id: string;
  readonly siteId: string;
  /** The first e-mail, else user id, else external id: how the person is known. */
  readonly displayName: string | null;
  readonly email: string | null;
  readonly userId: string | null;
  readonly traits: Readonly<Record<string, unknown>>;
  readonly companies: readonly { readonly id: string; readonly domain: string | null; readonly name: string | null }[];
  readonly firstSeenAt: string;
  readonly lastSeenAt: string | null;
  readonly sessions: number;
}

/** Identifier types that make a person "identified" (not only cookies and click ids). */
export const IDENTIFYING_TYPES = ['user_id', 'email', 'phone', 'external_id'] as const;

const first = (profile: PersonProfile, type: string): string | null =>
  profile.identifiers.find((i) => i.type === type && i.value !== null)?.value ?? null;

/**
 * Summaries of the listed persons, PII decrypted through identity's own profile loader, all of a
 * page (at most 100 persons) loaded at once.
 *
 * @example
 * const rows = await personSummaries(trx, keys, organizationId, [{ id, lastSeenAt, sessions }]);
 */
export async function personSummaries(
  db: Kysely<Database>,
  keys: OrganizationKeys,
  organizationId: string,
  listed: readonly { readonly id: string; readonly lastSeenAt: Date | string | null; readonly sessions: number }[],
): Promise<PersonSummary[]> {
  const profiles = await loadPersonProfiles(
    db,
    keys,
    organizationId,
    listed.map((row) => row.id),
  );
  const summaries: PersonSummary[] = [];
  for (const row of listed) {
    const profile = profiles.get(row.id);
    if (!profile) continue;
    const email = first(profile, 'email');
    const userId = first(profile, 'user_id');
    summaries.push({
      id: profile.id,
      siteId: profile.siteId,
      displayName: email ?? userId ?? first(profile, 'external_id') ?? first(profile, 'phone'),
      email,
      userId,
      traits: profile.traits,
      companies: profile.companies.map((c) => ({ id: c.id, domain: c.domain, name: c.name })),
      firstSeenAt: profile.firstSeenAt,
      lastSeenAt: row.lastSeenAt ? new Date(row.lastSeenAt).toISOString() : null,
      sessions: row.sessions,
    });
  }
  return summaries;
}
