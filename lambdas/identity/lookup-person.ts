import { sql as raw } from 'kysely';
import { ValidationError } from '../core/errors';
import { withOrganization } from '../db/tenant';
import { isIdentifierType } from './identifier-types';
import type { IdentityAccess } from './identity-access';
import { DEFAULT_IDENTITY_RULES } from './identity-rules';
import { loadPersonProfile, type PersonProfile } from './person-profile';
import { isPhoneRegion } from './phone-numbers';
import { prepareIdentifiers } from './prepared-identifiers';

export interface LookupQuery {
  readonly organizationId: string;
  /** Limit to one site; by default every site of the organization is searched. */
  readonly siteId?: string;
  readonly type: string;
  /** Plaintext, even for e-mails and phones (normalized as the resolver does). */
  readonly value: string;
}

/**
 * The person (one per site) an identifier currently belongs to, with identifiers, traits, companies,
 * merge history and conflicts, PII decrypted: what `sightline persons lookup --type T --value V` prints.
 * The value is normalized as the resolver does on each site (a phone in the site's default region).
 *
 * @example
 * const { persons } = await lookupPerson({ sql, keyring }, { organizationId, type: 'email', value: 'ada@example.com' });
 * console.log(JSON.stringify(persons, null, 2));
 */
export async function lookupPerson(access: IdentityAccess, query: LookupQuery): Promise<{ persons: PersonProfile[] }> {
  const type = query.type;
  if (!isIdentifierType(type)) throw new ValidationError(`unknown identifier type ${type}`, 'type');
  const keys = await access.keyring.keysFor(query.organizationId);
  return withOrganization(access.sql, query.organizationId, async (trx) => {
    // Each site's phone region, as the resolver read its phones (a site of another organization is not found).
    let sites = trx.selectFrom('sites').select(['id', 'settings']);
    if (query.siteId) sites = sites.where('id', '=', query.siteId);
    const persons: PersonProfile[] = [];
    // A phone one site's region finds impossible may be another's number: refused only when no site takes it.
    let refusal: string | undefined;
    let usable = false;
    for (const { id: siteId, settings } of await sites.execute()) {
      const phoneRegion = isPhoneRegion(settings.phoneRegion) ? settings.phoneRegion : undefined;
      const { accepted, refused } = prepareIdentifiers(
        siteId,
        [{ type, value: query.value }],
        keys.indexKey,
        DEFAULT_IDENTITY_RULES,
        { phoneRegion },
      );
      const identifier = accepted[0];
      if (!identifier) {
        refusal ??= refused[0]?.reason;
        continue;
      }
      usable = true;
      // Cast: the Data API types a UUID-looking value (many anonymous ids are) as uuid, not text.
      const { rows } = await raw<{ person_id: string }>`
        select person_id from identity_map where site_id = ${siteId}::uuid
          and identifier_type = ${identifier.type}::text and identifier_value = ${identifier.value}::text`.execute(trx);
      const row = rows[0];
      const profile = row && (await loadPersonProfile(trx, keys, query.organizationId, row.person_id));
      if (profile) persons.push(profile);
    }
    if (!usable && refusal !== undefined) throw new ValidationError(`not a usable identifier (${refusal})`, 'value');
    return { persons };
  });
}
