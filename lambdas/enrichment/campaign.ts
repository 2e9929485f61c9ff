/**
 * Campaign context of an event: `utm_*`, ad-network click ids and affiliate sub ids, read from
 * the page URL and merged with what the tracker kept for the session.
 */
export type ClickIdType =
  | 'gclid'
  | 'gbraid'
  | 'wbraid'
  | 'dclid'
  | 'msclkid'
  | 'fbclid'
  | 'ttclid'
  | 'li_fat_id'
  | 'twclid'
  | 'irclickid';

export type AdNetwork =
  | 'google_ads'
  | 'google_display'
  | 'microsoft_ads'
  | 'meta'
  | 'tiktok_ads'
  | 'linkedin_ads'
  | 'x_ads'
  | 'impact';

/**
 * Which click id names the click when a URL carries several (rare: an ad link later shared).
 * Search-ad ids first, as their presence proves a paid click on that very page load; `fbclid`
 * late because Meta appends it to organic outbound links too; the affiliate id last.
 */
export const CLICK_ID_PRIORITY: readonly ClickIdType[] = [
  'gclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'dclid',
  'ttclid',
  'li_fat_id',
  'twclid',
  'fbclid',
  'irclickid',
];

/**
 * The network each click id implies. `dclid` is set by Google's display products (Campaign
 * Manager 360 and Display & Video 360), hence `google_display` rather than one product's name.
 */
export const AD_NETWORK_OF: Readonly<Record<ClickIdType, AdNetwork>> = {
  gclid: 'google_ads',
  gbraid: 'google_ads',
  wbraid: 'google_ads',
  dclid: 'google_display',
  msclkid: 'microsoft_ads',
  fbclid: 'meta',
  ttclid: 'tiktok_ads',
  li_fat_id: 'linkedin_ads',
  twclid: 'x_ads',
  irclickid: 'impact',
};

/** Click ids only ad clicks carry. Not `fbclid` (organic shares get it) nor `irclickid` (affiliate). */
const PAID_CLICK_IDS: ReadonlySet<ClickIdType> = new Set([
  'gclid',
  'gbraid',
  'wbraid',
  'dclid',
  'msclkid',
  'ttclid',
  'li_fat_id',
  'twclid',
]);

/** GA4's paid medium pattern, plus its display mediums. */
export const PAID_MEDIUM = /^(.*cp.*|ppc|retargeting|paid.*|display|banner|expandable|interstitial)$/i;

const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content', 'id'] as const;
type UtmKey = (typeof UTM_KEYS)[number];
export type Utm = Readonly<Record<UtmKey, string | null>>;

/** Affiliate networks' sub id parameters (HasOffers/TUNE, Everflow, CAKE, Awin, Partnerize, ...). */
const SUB_ID_KEY = /^(sub_?id[1-5]?|sub[1-5]|aff_sub[1-5]?|aff_?id|s[1-5]|clickref|pubref|afftrack)$/;

const MAX_VALUE_LENGTH = 256;
const MAX_SUB_IDS = 20;

export interface CampaignInfo {
  readonly utm: Utm;
  readonly clickIdType: ClickIdType | null;
  readonly clickId: string | null;
  readonly adNetwork: AdNetwork | null;
  readonly subIds: Readonly<Record<string, string>> | null;
  /** A paid click id or a paid `utm_medium`. */
  readonly paid: boolean;
  /** Where the utm/click context came from: this page's URL (a new touch) or the session. */
  readonly origin: 'url' | 'session' | null;
}

export interface CampaignInput {
  readonly url?: string | null;
  /** Session-scoped context the tracker kept from the landing page (`source` or `utm_source` keys). */
  readonly campaign?: Readonly<Record<string, string>>;
  readonly clickIds?: Readonly<Record<string, string>>;
  readonly subIds?: Readonly<Record<string, string>>;
}

interface Touch {
  readonly utm: Partial<Record<UtmKey, string>>;
  readonly clickIds: Partial<Record<ClickIdType, string>>;
  readonly subIds: Record<string, string>;
}

/**
 * Reads the campaign context of an event. When the page URL carries any `utm_*` or click id it
 * is a new touch and replaces the session's context as a whole (mixing an old `utm_medium` with a
 * new `gclid` would describe a click that never happened); otherwise the session's context
 * applies. Sub ids from the URL are added over the session's either way.
 *
 * @example
 * parseCampaign({ url: 'https://example.com/?utm_source=google&utm_medium=cpc&gclid=abc' });
 * // { utm: { source: 'google', medium: 'cpc', ... }, clickIdType: 'gclid', clickId: 'abc',
 * //   adNetwork: 'google_ads', subIds: null, paid: true, origin: 'url' }
 */
export function parseCampaign(input: CampaignInput): CampaignInfo {
  const fromUrl = touchFromUrl(input.url);
  const fromSession = touchFromSession(input);
  const urlIsTouch = Object.keys(fromUrl.utm).length > 0 || Object.keys(fromUrl.clickIds).length > 0;
  const touch = urlIsTouch ? fromUrl : fromSession;
  const sessionHasContext = Object.keys(fromSession.utm).length > 0 || Object.keys(fromSession.clickIds).length > 0;
  const subIds = urlIsTouch ? fromUrl.subIds : { ...fromSession.subIds, ...fromUrl.subIds };
  const clickIdType = CLICK_ID_PRIORITY.find((type) => touch.clickIds[type] !== undefined) ?? null;
  const utm = Object.fromEntries(UTM_KEYS.map((key) => [key, touch.utm[key] ?? null])) as Utm;
  return {
    utm,
    clickIdType,
    clickId: clickIdType ? (touch.clickIds[clickIdType] ?? null) : null,
    adNetwork: clickIdType ? AD_NETWORK_OF[clickIdType] : null,
    subIds: Object.keys(subIds).length > 0 ? limitEntries(subIds) : null,
    paid: (clickIdType !== null && PAID_CLICK_IDS.has(clickIdType)) || PAID_MEDIUM.test(utm.medium ?? ''),
    origin: urlIsTouch ? 'url' : sessionHasContext ? 'session' : null,
  };
}

function touchFromUrl(url: string | null | undefined): Touch {
  const touch: Touch = { utm: {}, clickIds: {}, subIds: {} };
  if (!url?.includes('?')) return touch;
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return touch;
  }
  for (const [rawKey, rawValue] of params) add(touch, rawKey, rawValue);
  return touch;
}

function touchFromSession(input: CampaignInput): Touch {
  const touch: Touch = { utm: {}, clickIds: {}, subIds: {} };
  for (const [key, value] of Object.entries(input.campaign ?? {})) {
    add(touch, key.startsWith('utm_') ? key : `utm_${key}`, value);
  }
  for (const [key, value] of Object.entries(input.clickIds ?? {})) add(touch, key, value);
  for (const [key, value] of Object.entries(input.subIds ?? {})) add(touch, key, value);
  return touch;
}

function add(touch: Touch, rawKey: string, rawValue: unknown): void {
  if (typeof rawValue !== 'string') return;
  const value = rawValue.trim().slice(0, MAX_VALUE_LENGTH);
  if (value === '') return;
  const key = rawKey.toLowerCase();
  if (key.startsWith('utm_')) {
    const utmKey = key.slice(4);
    if (isUtmKey(utmKey)) touch.utm[utmKey] ??= value;
  } else if (isClickIdType(key)) {
    touch.clickIds[key] ??= value;
  } else if (SUB_ID_KEY.test(key)) {
    touch.subIds[key] ??= value;
  }
}

function limitEntries(record: Record<string, string>): Record<string, string> {
  const entries = Object.entries(record);
  return entries.length > MAX_SUB_IDS ? Object.fromEntries(entries.slice(0, MAX_SUB_IDS)) : record;
}

const isUtmKey = (key: string): key is UtmKey => (UTM_KEYS as readonly string[]).includes(key);
const isClickIdType = (key: string): key is ClickIdType => Object.hasOwn(AD_NETWORK_OF, key);
