import { type RawBuilder, sql as raw } from 'kysely';

/**
 * The ids a current person's rows may be held under: their own and those of everyone merged into
 * them (one hop: a merged person always points at the current one), as a `uuid[]` for
 * `person_id = any(...)`, which an index serves. The `person_aliases` view answers the same
 * question, but its current person is a `coalesce`, which no index serves: joined to a table by it,
 * every lookup reads the whole table.
 *
 * @example
 * raw`(select count(*) from sessions s where s.person_id = any(${aliasIdsOf(raw.ref('p.id'))}))`
 */
export function aliasIdsOf(personId: RawBuilder<unknown>): RawBuilder<string[]> {
  return raw<
    string[]
  >`array(select ${personId} union all select m.id from persons m where m.merged_into = ${personId})`;
}
