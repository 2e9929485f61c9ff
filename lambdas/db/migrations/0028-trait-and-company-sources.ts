import { type Kysely, sql } from 'kysely';

/**
 * Traits and company links remember the identifier that showed them. Before, a merge folded the
 * merged person's traits into the survivor's (the better value of each key kept, the other
 * deleted), so a merge that a late event reversed left them with the wrong person. Now each row
 * belongs to its source identifier — the highest-priority identifier of the observation that set
 * it, or the e-mail address a company's domain came from — and moves with it: `person_id` is
 * always the source identifier's person, and a person's effective trait is the best of its rows
 * (`$set` the latest, `$set_once` the earliest). Rows from before keep the creator of the person
 * holding them as their source, which is where every merge since has put them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['person_traits', 'person_companies'] as const) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.id(`${table}_pkey`)}`.execute(db);
    await sql`alter table ${sql.table(table)} add column source_identifier_id bigint
      references identifiers(id) on delete cascade`.execute(db);
    // The holder's creator, and so the holder's current person (the same one unless it was merged).
    await sql`update ${sql.table(table)} t set source_identifier_id = i.id, person_id = i.person_id
      from persons p join identifiers i on i.id = p.creator_identifier_id
      where p.id = t.person_id`.execute(db);
    // Only an erased person has no creator, and erasure deleted its traits and companies.
    await sql`delete from ${sql.table(table)} where source_identifier_id is null`.execute(db);
    await sql`alter table ${sql.table(table)} alter column source_identifier_id set not null`.execute(db);
  }
  await sql`alter table person_traits add primary key (source_identifier_id, key, mode)`.execute(db);
  await sql`create index person_traits_person_idx on person_traits (person_id)`.execute(db);
  await sql`alter table person_companies add primary key (source_identifier_id, company_id)`.execute(db);
  await sql`create index person_companies_person_idx on person_companies (person_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Back to one row per person and key (the best) and per person and company (the earliest).
  await sql`delete from person_traits t using person_traits u
    where u.person_id = t.person_id and u.key = t.key and u.mode = t.mode
      and ((case when t.mode = 'set' then (u.observed_at, u.digest) > (t.observed_at, t.digest)
                 else (u.observed_at, u.digest) < (t.observed_at, t.digest) end)
        or ((u.observed_at, u.digest) = (t.observed_at, t.digest) and u.source_identifier_id < t.source_identifier_id))`.execute(
    db,
  );
  await sql`delete from person_companies t using person_companies u
    where u.person_id = t.person_id and u.company_id = t.company_id
      and (u.first_seen_at, u.source_identifier_id) < (t.first_seen_at, t.source_identifier_id)`.execute(db);
  for (const table of ['person_traits', 'person_companies'] as const) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.id(`${table}_pkey`)}`.execute(db);
    await sql`drop index if exists ${sql.id(`${table}_person_idx`)}`.execute(db);
    await sql`alter table ${sql.table(table)} drop column source_identifier_id`.execute(db);
  }
  await sql`alter table person_traits add primary key (person_id, key, mode)`.execute(db);
  await sql`alter table person_companies add primary key (person_id, company_id)`.execute(db);
}
