import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Bytes = ColumnType<Buffer, Buffer | Uint8Array, Buffer | Uint8Array>;
type Json<T> = ColumnType<T, string | T, string | T>;

export interface IdentityOrganizationKeysTable {
  organization_id: string;
  /** The organization's data key, wrapped by the `DataKeyWrapper`. */
  wrapped_key: Bytes;
  created_at: DefaultedTimestamp;
}

export interface PersonsTable {
  /** Derived from the identifier that started the person (`lambdas/identity/person-id.ts`). */
  id: string;
  organization_id: string;
  site_id: string;
  creator_identifier_id: number | null;
  first_seen_at: Timestamp;
  created_at: DefaultedTimestamp;
  /** The person this one was merged into (always the current one: chains are kept one hop long). */
  merged_into: string | null;
  merged_at: Date | null;
  /** Tombstone: set when the person was erased; everything else about them is gone. */
  erased_at: Date | null;
  /** The latest visit retention found in the lake for a person with no slim event left (retention writes it). */
  lake_seen_at: Date | null;
}

export interface PersonKeysTable {
  person_id: string;
  organization_id: string;
  /** The person's PII key, sealed with the organization's key. Deleted to crypto-shred. */
  wrapped_key: Bytes;
  created_at: DefaultedTimestamp;
}

/** `bigint` ids arrive as numbers on every engine (see `create-sql.ts`). */
export interface IdentifiersTable {
  id: Generated<number>;
  organization_id: string;
  site_id: string;
  type: string;
  /** Plaintext for pseudonymous ids; the blind index (64 hex) for e-mails and phones. */
  value: string;
  value_cipher: Bytes | null;
  /** Whose key sealed `value_cipher`. */
  key_person_id: string | null;
  person_id: string | null;
  first_seen_at: Timestamp;
}

export interface IdentityLinksTable {
  id: Generated<number>;
  organization_id: string;
  site_id: string;
  identifier_ids: ColumnType<number[], string, string>;
  first_observed_at: Timestamp;
  first_event_id: string;
}

export interface IdentityConflictsTable {
  id: Generated<number>;
  organization_id: string;
  site_id: string;
  link_id: number;
  identifier_id: number;
  /** `limit:<type>`, `merge_cap` or `region_cap`. */
  reason: string;
  person_ids: ColumnType<string[], string, string>;
  detected_at: DefaultedTimestamp;
}

export interface PersonMergesTable {
  id: Generated<number>;
  organization_id: string;
  site_id: string;
  from_person_id: string;
  into_person_id: string;
  rule: string;
  merged_at: DefaultedTimestamp;
  reversed_at: Date | null;
}

export interface PersonTraitsTable {
  /** Always the person of `source_identifier_id`: the row moves with it. */
  person_id: string;
  /** The identifier that showed the trait (the observation's highest-priority one); one row per key and mode. */
  source_identifier_id: number;
  organization_id: string;
  key: string;
  mode: 'set' | 'set_once';
  value: Json<unknown> | null;
  value_cipher: Bytes | null;
  key_person_id: string | null;
  digest: string;
  observed_at: Timestamp;
}

export interface CompaniesTable {
  id: Generated<string>;
  organization_id: string;
  domain: string | null;
  group_id: string | null;
  name: string | null;
  /** When `name` was given: the latest is kept (migration `0037-company-name-times`). */
  name_seen_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: DefaultedTimestamp;
}

export interface PersonCompaniesTable {
  /** Always the person of `source_identifier_id`: the row moves with it. */
  person_id: string;
  /** The identifier that showed the company: the e-mail address of its domain, else the observation's top identifier. */
  source_identifier_id: number;
  company_id: string;
  organization_id: string;
  source: 'email_domain' | 'group' | 'observation';
  first_seen_at: Timestamp;
}

export interface SoftSignalsTable {
  organization_id: string;
  site_id: string;
  kind: 'ip_user_agent' | 'email_variant';
  digest: string;
  person_id: string;
  /** The start of the window-long slot the sightings fell in; the epoch for signals without a window. */
  window_start: Generated<Timestamp>;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface SoftLinksTable {
  id: Generated<number>;
  organization_id: string;
  site_id: string;
  person_a: string;
  person_b: string;
  status: ColumnType<'open' | 'accepted' | 'rejected', 'open' | 'accepted' | 'rejected' | undefined>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
  /** Who accepted or rejected the link (a member's e-mail, or the name given to the CLI); null while open. */
  decided_by: ColumnType<string | null, string | null | undefined, string | null>;
  decided_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** What proposed a soft link: one row per signal kind and, for IP and user agent, per window-long slot. */
export interface SoftLinkEvidenceTable {
  organization_id: string;
  site_id: string;
  link_id: number;
  kind: 'ip_user_agent' | 'email_variant';
  /** The slot the two were seen together in (the earlier one's); the epoch for e-mail variants. */
  window_start: Timestamp;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface SessionsTable {
  organization_id: string;
  site_id: string;
  session_id: string;
  person_id: string;
  started_at: Timestamp;
  last_event_at: Timestamp;
  event_count: ColumnType<number, number | undefined, number>;
  entry_url: string | null;
  referrer: string | null;
}

export interface EventsTable {
  organization_id: string;
  site_id: string;
  event_id: string;
  occurred_at: Timestamp;
  /** The person at resolution time; join `person_aliases` for the current one. */
  person_id: string;
  session_id: string | null;
  type: string;
  name: string | null;
  url: string | null;
  referrer: string | null;
}

export interface RawEventsTable {
  organization_id: string;
  site_id: string;
  sha256: Bytes;
  event_id: string;
  received_at: Timestamp;
  payload_cipher: Bytes;
  person_id: string | null;
  /** Whose key sealed the payload; null: the organization's payload key (rows stored before 0026). */
  key_person_id: string | null;
}

/** An erased person's events the lake still holds (migration 0027); the ids are cleared once it no longer does. */
export interface LakeErasuresTable {
  id: Generated<number>;
  organization_id: string;
  site_id: string;
  person_id: string;
  anonymous_ids: string[];
  user_ids: string[];
  /** IDFA, GAID, IDFV and device ids, as identity stores them (lower case); migration 0035. */
  device_ids: ColumnType<string[], string[] | undefined, string[]>;
  requested_at: DefaultedTimestamp;
  completed_at: Date | null;
  rows_removed: number | null;
}

/** Keyed digests of an erased person's identifiers, kept 30 days so late events stay erased (migration 0029). */
export interface ErasedIdentifiersTable {
  organization_id: string;
  site_id: string;
  digest: string;
  erased_at: Date;
}

export interface IdentityMapView {
  site_id: ColumnType<string, never, never>;
  identifier_type: ColumnType<string, never, never>;
  identifier_value: ColumnType<string, never, never>;
  person_id: ColumnType<string, never, never>;
}

export interface PersonAliasesView {
  person_id: ColumnType<string, never, never>;
  current_person_id: ColumnType<string, never, never>;
  site_id: ColumnType<string, never, never>;
}

export interface IdentityTables {
  identity_organization_keys: IdentityOrganizationKeysTable;
  persons: PersonsTable;
  person_keys: PersonKeysTable;
  identifiers: IdentifiersTable;
  identity_links: IdentityLinksTable;
  identity_conflicts: IdentityConflictsTable;
  person_merges: PersonMergesTable;
  person_traits: PersonTraitsTable;
  companies: CompaniesTable;
  person_companies: PersonCompaniesTable;
  soft_signals: SoftSignalsTable;
  soft_links: SoftLinksTable;
  soft_link_evidence: SoftLinkEvidenceTable;
  sessions: SessionsTable;
  events: EventsTable;
  raw_events: RawEventsTable;
  lake_erasures: LakeErasuresTable;
  erased_identifiers: ErasedIdentifiersTable;
  identity_map: IdentityMapView;
  person_aliases: PersonAliasesView;
}
