import { type Kysely, sql } from 'kysely';

const ORGANIZATION = sql`(select nullif(current_setting('sightline.org_id', true), '')::uuid)`;

/**
 * One soft link per pair of persons, whatever signals proposed it, with its evidence in rows of its
 * own (`soft_link_evidence`: one per signal kind and, for IP and user agent, per window-long slot the
 * two were seen together in), so a pair's score can combine its evidence; and who decided a link, when.
 *
 * Links stored per pair and rule are merged per pair: the lowest id is kept, with the evidence of
 * every row of the pair (its rule, first proposed and last reinforced times, in no known window) and
 * a decided status if one of them was decided (accepted before rejected: an accepted pair was merged).
 * Who decided them was never recorded: `decided_by` stays null, `decided_at` is the row's last update.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table soft_link_evidence (
      organization_id uuid not null references organizations(id) on delete cascade,
      site_id uuid not null references sites(id) on delete cascade,
      link_id bigint not null references soft_links(id) on delete cascade,
      kind text not null check (kind in ('ip_user_agent', 'email_variant')),
      window_start timestamptz not null,
      first_seen_at timestamptz not null,
      last_seen_at timestamptz not null,
      primary key (link_id, kind, window_start)
    )`.execute(db);
  // Retention deletes a site's evidence by age.
  await sql`create index soft_link_evidence_site_seen_idx on soft_link_evidence (site_id, last_seen_at)`.execute(db);
  await sql`grant select, insert, update, delete on soft_link_evidence to sightline_app`.execute(db);
  await sql`alter table soft_link_evidence enable row level security`.execute(db);
  await sql`
    create policy soft_link_evidence_tenant_isolation on soft_link_evidence to sightline_app
      using (organization_id = ${ORGANIZATION})
      with check (organization_id = ${ORGANIZATION}
        and site_id in (select s.id from sites s where s.organization_id = ${ORGANIZATION}))`.execute(db);

  await sql`
    insert into soft_link_evidence (organization_id, site_id, link_id, kind, window_start, first_seen_at, last_seen_at)
    select l.organization_id, l.site_id, k.keep, l.rule, 'epoch', min(l.created_at), max(l.updated_at)
    from soft_links l
    join (select site_id, person_a, person_b, min(id) as keep from soft_links group by 1, 2, 3) k
      on k.site_id = l.site_id and k.person_a = l.person_a and k.person_b = l.person_b
    where l.rule in ('ip_user_agent', 'email_variant')
    group by l.organization_id, l.site_id, k.keep, l.rule`.execute(db);
  await sql`alter table soft_links add column decided_by text check (length(decided_by) between 1 and 320),
    add column decided_at timestamptz`.execute(db);
  await sql`
    update soft_links l set status = d.status, decided_at = d.decided_at, created_at = d.created_at,
      updated_at = d.updated_at
    from (
      select min(id) as keep, min(created_at) as created_at, max(updated_at) as updated_at,
        case when bool_or(status = 'accepted') then 'accepted' when bool_or(status = 'rejected') then 'rejected'
          else 'open' end as status,
        max(updated_at) filter (where status <> 'open') as decided_at
      from soft_links group by site_id, person_a, person_b
    ) d
    where l.id = d.keep`.execute(db);
  await sql`delete from soft_links l using soft_links k
    where k.site_id = l.site_id and k.person_a = l.person_a and k.person_b = l.person_b and k.id < l.id`.execute(db);
  await sql`alter table soft_links drop constraint soft_links_site_id_person_a_person_b_rule_key,
    add constraint soft_links_pair_key unique (site_id, person_a, person_b),
    add constraint soft_links_decided check ((status = 'open') = (decided_at is null)),
    drop column rule, drop column score, drop column evidence`.execute(db);
  await sql`drop index if exists soft_links_review_idx`.execute(db);
  await sql`create index soft_links_review_idx on soft_links (site_id, status)`.execute(db);
}

/** Back to one row per pair and rule, each with its rule's weight as its score; who decided is lost. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table soft_links drop constraint soft_links_decided, drop constraint soft_links_pair_key,
    add column rule text check (length(rule) between 1 and 64),
    add column score real check (score >= 0 and score <= 1),
    add column evidence jsonb not null default '{}'`.execute(db);
  await sql`
    insert into soft_links (organization_id, site_id, person_a, person_b, rule, score, evidence, status, created_at,
      updated_at)
    select l.organization_id, l.site_id, l.person_a, l.person_b, e.kind,
      case e.kind when 'email_variant' then 0.85 else 0.35 end,
      jsonb_build_object('signal', e.kind), l.status, l.created_at, l.updated_at
    from soft_links l join (select distinct link_id, kind from soft_link_evidence) e on e.link_id = l.id
    where e.kind <> (select min(kind) from soft_link_evidence f where f.link_id = l.id)`.execute(db);
  await sql`
    update soft_links l set rule = coalesce((select min(kind) from soft_link_evidence e where e.link_id = l.id),
      'ip_user_agent')
    where l.rule is null`.execute(db);
  await sql`update soft_links set score = case rule when 'email_variant' then 0.85 else 0.35 end,
    evidence = jsonb_build_object('signal', rule)`.execute(db);
  await sql`alter table soft_links alter column rule set not null, alter column score set not null,
    drop column decided_by, drop column decided_at,
    add constraint soft_links_site_id_person_a_person_b_rule_key unique (site_id, person_a, person_b, rule)`.execute(
    db,
  );
  await sql`drop index if exists soft_links_review_idx`.execute(db);
  await sql`create index soft_links_review_idx on soft_links (site_id, status, score desc)`.execute(db);
  await sql`drop table soft_link_evidence`.execute(db);
}
