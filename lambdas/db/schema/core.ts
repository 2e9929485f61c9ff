import type { ColumnType, Generated } from 'kysely';
import type { ChannelRule } from '../../enrichment/channel-rules';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string | T, string | T>;

export type Role = 'owner' | 'admin' | 'analyst' | 'viewer';

export interface OrganizationsTable {
  id: Generated<string>;
  name: string;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  organization_id: string;
  email: string;
  /** scrypt hash in PHC-like form `scrypt$N$r$p$salt$hash`. */
  password_hash: string;
  role: Role;
  created_at: CreatedAt;
}

export interface SiteSettings {
  /** Keep the first N bits of IPv4 / IPv6 addresses (default 24 / 48); 32/128 keeps them whole. */
  ipv4PrefixBits?: number;
  ipv6PrefixBits?: number;
  honorDnt?: boolean;
  honorGpc?: boolean;
  sampleRate?: number;
  retentionDays?: number;
  affiliatePatterns?: string[];
  /** Site rules evaluated before the default channel grouping, in order. */
  channelRules?: ChannelRule[];
  /**
   * ISO 3166-1 alpha-2 region (`FR`, `US`) of phone numbers typed without a country code: with it,
   * identity resolution keys phones in E.164; without it (`null` or absent), as `+` and digits as typed.
   */
  phoneRegion?: string | null;
}

export interface SitesTable {
  id: Generated<string>;
  organization_id: string;
  name: string;
  domain: string;
  /** Public key the browser script sends. */
  site_key: string;
  /** SHA-256 (hex) of the secret write key for server-side and Segment-compatible calls. */
  write_key_hash: string;
  allowed_origins: Json<string[]>;
  settings: Json<SiteSettings>;
  created_at: CreatedAt;
  last_event_at: Date | null;
}

export interface CoreTables {
  organizations: OrganizationsTable;
  users: UsersTable;
  sites: SitesTable;
}
