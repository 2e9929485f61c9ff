import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import { companyDomain, isFreeMailDomain } from './free-mail-domains';
import { jsonb, recordset } from './sql-values';
import type { StoredIdentifier } from './trait-rows';

export interface CompanyInput {
  readonly domain?: string;
  readonly groupId?: string;
  readonly name?: string;
}

export type CompanySource = 'email_domain' | 'group' | 'observation';

// One link per identifier and company, dated by its earliest sighting, whose source it keeps (ties
// broken by name): the same whatever order the sightings arrive in.
const KEEP_EARLIEST = raw`on conflict (source_identifier_id, company_id)
  do update set first_seen_at = excluded.first_seen_at, source = excluded.source
  where (excluded.first_seen_at, excluded.source) < (person_companies.first_seen_at, person_companies.source)`;

/**
 * Finds or creates the organization's company for a domain and/or group id and links it to the
 * identifier that showed it (and so to that identifier's person, wherever it goes). Free-mail domains
 * never make a company. Returns the company id, or `undefined` when there is nothing to link.
 *
 * @example
 * await linkCompany(trx, organizationId, emailIdentifier, { domain: 'acme.io' }, 'email_domain', observedAt);
 */
export async function linkCompany(
  db: Kysely<Database>,
  organizationId: string,
  shownBy: StoredIdentifier,
  input: CompanyInput,
  source: CompanySource,
  observedAt: Date,
): Promise<string | undefined> {
  const rawDomain = input.domain ? companyDomain(input.domain) : undefined;
  const domain = rawDomain && !isFreeMailDomain(rawDomain) ? rawDomain : undefined;
  const groupId = input.groupId?.trim() || undefined;
  const name = input.name?.trim().slice(0, 200) || null;
  if (!domain && !groupId) return undefined;

  const byGroup = groupId ? await companyBy(db, organizationId, 'group_id', groupId) : undefined;
  const byDomain = domain ? await companyBy(db, organizationId, 'domain', domain) : undefined;
  let companyId = byGroup ?? byDomain;
  if (companyId === undefined) {
    await raw`
      insert into companies (organization_id, domain, group_id, name, name_seen_at)
      values (${organizationId}::uuid, ${domain ?? null}::text, ${groupId ?? null}::text, ${name}::text,
        ${name === null ? null : observedAt}::timestamptz)
      on conflict do nothing`.execute(db);
    companyId =
      (groupId ? await companyBy(db, organizationId, 'group_id', groupId) : undefined) ??
      (domain ? await companyBy(db, organizationId, 'domain', domain) : undefined);
  } else if (byGroup && !byDomain && domain) {
    await raw`update companies set domain = ${domain}::text where id = ${byGroup}::uuid and domain is null`.execute(db);
  } else if (byDomain && !byGroup && groupId) {
    await raw`update companies set group_id = ${groupId}::text where id = ${byDomain}::uuid and group_id is null`.execute(
      db,
    );
  }
  if (companyId === undefined) return undefined;
  if (name) {
    // The latest name given (ties by name), whatever order the sightings arrive in.
    await raw`update companies set name = ${name}::text, name_seen_at = ${observedAt}::timestamptz
      where id = ${companyId}::uuid
        and (name_seen_at is null or (${observedAt}::timestamptz, ${name}::text) > (name_seen_at, name))`.execute(db);
  }
  await raw`
    insert into person_companies (person_id, source_identifier_id, company_id, organization_id, source, first_seen_at)
    select i.person_id, i.id, ${companyId}::uuid, ${organizationId}::uuid, ${source}::text, ${observedAt}::timestamptz
    from identifiers i
    where i.site_id = ${shownBy.siteId}::uuid and i.type = ${shownBy.type}::text and i.value = ${shownBy.value}::text
    ${KEEP_EARLIEST}`.execute(db);
  return companyId;
}

async function companyBy(
  db: Kysely<Database>,
  organizationId: string,
  column: 'domain' | 'group_id',
  value: string,
): Promise<string | undefined> {
  const { rows } = await raw<{ id: string }>`
    select id from companies where organization_id = ${organizationId}::uuid and ${raw.ref(column)} = ${value}::text`.execute(
    db,
  );
  return rows[0]?.id;
}

/**
 * Links e-mail addresses (and so their persons) to the companies of their domains (free-mail domains
 * make none), for a batch in two statements: the missing companies created, then the links.
 */
export async function linkEmailDomainsOfMany(
  db: Kysely<Database>,
  organizationId: string,
  sightings: readonly { readonly email: StoredIdentifier; readonly address: string; readonly observedAt: Date }[],
): Promise<void> {
  const links = new Map<string, { site_id: string; value: string; domain: string; first_seen_at: number }>();
  for (const s of sightings) {
    const domain = companyDomain(s.address.slice(s.address.lastIndexOf('@') + 1));
    if (!domain || isFreeMailDomain(domain)) continue;
    const key = `${s.email.siteId}\u0000${s.email.value}`;
    const at = s.observedAt.getTime();
    links.set(key, {
      site_id: s.email.siteId,
      value: s.email.value,
      domain,
      first_seen_at: Math.min(links.get(key)?.first_seen_at ?? at, at),
    });
  }
  if (links.size === 0) return;
  const domains = [...new Set([...links.values()].map((l) => l.domain))].sort();
  await raw`
    insert into companies (organization_id, domain)
    select ${organizationId}::uuid, d.value from jsonb_array_elements_text(${jsonb(domains)}) d
    where not exists (select 1 from companies c where c.organization_id = ${organizationId}::uuid and c.domain = d.value)
    order by d.value
    on conflict do nothing`.execute(db);
  const rows = [...links.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, l]) => ({ ...l, first_seen_at: new Date(l.first_seen_at).toISOString() }));
  await raw`
    insert into person_companies (person_id, source_identifier_id, company_id, organization_id, source, first_seen_at)
    select i.person_id, i.id, c.id, ${organizationId}::uuid, 'email_domain', x.first_seen_at
    from ${recordset(rows, 'site_id uuid, value text, domain text, first_seen_at timestamptz')} as x
    join identifiers i on i.site_id = x.site_id and i.type = 'email' and i.value = x.value
    join companies c on c.organization_id = ${organizationId}::uuid and c.domain = x.domain
    order by i.id, c.id
    ${KEEP_EARLIEST}`.execute(db);
}
