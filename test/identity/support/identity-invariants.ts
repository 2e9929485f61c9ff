import { sql as raw } from 'kysely';
import type { Sql } from '../../../lambdas/ports/sql';

/**
 * What must hold after any run, however concurrent: every identifier belongs to exactly one live
 * person, merged persons point straight at a live one, each live person holds the identifier
 * that created it, traits and company links are with the person of the identifier that showed them,
 * and whatever is sealed is sealed with its person's key (or the key of a person merged into it), so
 * that erasing that person shreds it and erasing anyone else does not. Returns the violations found (none is the only acceptable answer).
 */
export async function identityInvariantViolations(sql: Sql, siteId: string): Promise<string[]> {
  const checks: [string, string][] = [
    [
      'identifier without a person',
      `select count(*)::int as n from identifiers where site_id = $1 and person_id is null`,
    ],
    [
      'identifier pointing at a merged or erased person',
      `select count(*)::int as n from identifiers i join persons p on p.id = i.person_id
        where i.site_id = $1 and (p.merged_into is not null or p.erased_at is not null)`,
    ],
    [
      'merged person pointing at a merged person',
      `select count(*)::int as n from persons p join persons q on q.id = p.merged_into
        where p.site_id = $1 and q.merged_into is not null`,
    ],
    [
      'live person without its creator identifier',
      `select count(*)::int as n from persons p left join identifiers i on i.id = p.creator_identifier_id
        where p.site_id = $1 and p.merged_into is null and p.erased_at is null
          and (i.person_id is distinct from p.id)`,
    ],
    [
      'live person with no identifier',
      `select count(*)::int as n from persons p where p.site_id = $1 and p.merged_into is null
        and p.erased_at is null and not exists (select 1 from identifiers i where i.person_id = p.id)`,
    ],
    [
      'trait away from the person of its identifier',
      `select count(*)::int as n from person_traits t join identifiers i on i.id = t.source_identifier_id
        where i.site_id = $1 and t.person_id is distinct from i.person_id`,
    ],
    [
      'company link away from the person of its identifier',
      `select count(*)::int as n from person_companies c join identifiers i on i.id = c.source_identifier_id
        where i.site_id = $1 and c.person_id is distinct from i.person_id`,
    ],
    [
      'identifier sealed with a key its person does not hold',
      `select count(*)::int as n from identifiers i left join persons k on k.id = i.key_person_id
        where i.site_id = $1 and i.value_cipher is not null and i.person_id is distinct from coalesce(k.merged_into, k.id)`,
    ],
    [
      'trait sealed with a key its person does not hold',
      `select count(*)::int as n from person_traits t join identifiers i on i.id = t.source_identifier_id
        left join persons k on k.id = t.key_person_id
        where i.site_id = $1 and t.value_cipher is not null and t.person_id is distinct from coalesce(k.merged_into, k.id)`,
    ],
  ];
  const violations: string[] = [];
  for (const [name, query] of checks) {
    const { rows } = await raw<{ n: number }>`${raw.raw(query.replace('$1', `'${siteId}'::uuid`))}`.execute(sql.db);
    const n = rows[0]?.n ?? 0;
    if (n > 0) violations.push(`${name}: ${n}`);
  }
  return violations;
}
