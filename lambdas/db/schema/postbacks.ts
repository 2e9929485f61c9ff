import type { ColumnType, Generated, GeneratedAlways } from 'kysely';

type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Bytes = ColumnType<Buffer, Buffer | Uint8Array, Buffer | Uint8Array>;
type Json<T> = ColumnType<T, string | T, string | T>;
/** A JSON column with a database default: optional on insert. */
type DefaultedJson<T> = ColumnType<T, string | T | undefined, string | T>;
/** `numeric`: a number through `pg` and the Data API, a decimal string through PGlite; written as a decimal string. */
type Money = ColumnType<number | string, string | number, string | number>;

/**
 * How a `generic` postback's fields map onto a conversion: each value names the request field
 * (a query or form parameter, or a dot path into a JSON body such as `order.total`).
 */
export interface GenericFieldMapping {
  transactionId: string;
  clickId?: string;
  amount?: string;
  payout?: string;
  currency?: string;
  status?: string;
  eventName?: string;
  eventTime?: string;
  installTime?: string;
  idfa?: string;
  gaid?: string;
  idfv?: string;
  deviceId?: string;
  userId?: string;
  anonymousId?: string;
  affiliateId?: string;
  offerId?: string;
  campaign?: string;
  /** `sub1`…`sub5` → request field. */
  subIds?: Partial<Record<'sub1' | 'sub2' | 'sub3' | 'sub4' | 'sub5', string>>;
  /** Network status values (lower-cased) → ours, over the built-in synonyms. */
  statusValues?: Record<string, 'pending' | 'approved' | 'rejected'>;
}

/** Per-site postback verification and mapping. Secrets are never stored in plaintext. */
export interface PostbackSettingsTable {
  site_id: string;
  organization_id: string;
  /** SHA-256 (hex) of the shared secret token. */
  token_hash: string;
  /** The HMAC secret's data key, wrapped by the `DataKeyWrapper`; null when signatures are not required. */
  hmac_key_wrapped: Bytes | null;
  /** The HMAC secret sealed (AES-256-GCM) with that data key. */
  hmac_secret_cipher: Bytes | null;
  /** CIDRs postbacks may come from; empty allows any source. */
  ip_allow_list: DefaultedJson<string[]>;
  generic_mapping: DefaultedJson<GenericFieldMapping | null>;
  /** ISO 4217 currency assumed when a postback carries an amount but no currency. */
  default_currency: ColumnType<string, string | undefined, string>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface AffiliatesTable {
  organization_id: string;
  site_id: string;
  /** The affiliate's id as the site knows it (often the network's partner id). */
  id: string;
  name: string;
  /** Overrides the 30-day default for this affiliate's links. */
  cookie_window_days: number | null;
  created_at: DefaultedTimestamp;
}

export interface TrackedLinksTable {
  /** Public id in `/r/<id>`. */
  id: string;
  organization_id: string;
  site_id: string;
  /** http(s) URL; may hold `{click_id}`, `{sub1}`…`{sub5}`, `{affiliate_id}`, `{offer_id}`, `{link_id}` macros. */
  destination: string;
  affiliate_id: string | null;
  offer_id: string | null;
  campaign: string | null;
  /** Overrides the affiliate's window and the 30-day default. */
  cookie_window_days: number | null;
  created_at: DefaultedTimestamp;
  disabled_at: Date | null;
}

export type ConversionStatus = 'pending' | 'approved' | 'rejected';

export interface ConversionsTable {
  id: Generated<string>;
  organization_id: string;
  site_id: string;
  network: string;
  /** Unique per (site, network): the idempotency key of the postback. */
  transaction_id: string;
  /** The network's click id as the postback gave it. */
  click_id: string | null;
  /** The tracked-link click (`/r/<link>`) the conversion was linked to, if any. */
  matched_click_id: string | null;
  link_id: string | null;
  affiliate_id: string | null;
  offer_id: string | null;
  campaign: string | null;
  /** The MMP's media source or the network's traffic source. */
  media_source: string | null;
  platform: string | null;
  sub_ids: Json<Record<string, string>>;
  amount: Money | null;
  payout: Money | null;
  currency: string | null;
  status: ConversionStatus;
  event_name: string;
  idfa: string | null;
  gaid: string | null;
  idfv: string | null;
  device_id: string | null;
  install_time: Date | null;
  /** When the conversion happened (the network's time, else first receipt); kept across updates. */
  occurred_at: Timestamp;
  anonymous_id: string | null;
  user_id: string | null;
  /** The postback's fields, secrets removed, bounded in size. */
  raw_payload: Json<Record<string, string>>;
  /** 0 when created; +1 on every accepted change (status, amounts). */
  revision: number;
  received_at: Timestamp;
  updated_at: Timestamp;
  /**
   * The visitor's ids as identity stores them (trimmed, device ids lower-cased), generated and indexed
   * to find a person's conversions (migration `0036-conversion-identity-keys`).
   */
  anonymous_id_key: GeneratedAlways<string | null>;
  user_id_key: GeneratedAlways<string | null>;
  idfa_key: GeneratedAlways<string | null>;
  gaid_key: GeneratedAlways<string | null>;
  idfv_key: GeneratedAlways<string | null>;
  device_id_key: GeneratedAlways<string | null>;
}

export interface PostbackTables {
  postback_settings: PostbackSettingsTable;
  affiliates: AffiliatesTable;
  tracked_links: TrackedLinksTable;
  conversions: ConversionsTable;
}
