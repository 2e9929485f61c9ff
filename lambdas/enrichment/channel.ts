import type { CampaignInfo, ClickIdType } from './campaign';
import { type ChannelRule, compileChannelRules } from './channel-rules';
import type { SourceCategory } from './known-sources';
import type { ReferrerInfo } from './referrer';
import { sourceByName } from './traffic-sources';

/** GA4's default channel groups. */
export type DefaultChannel =
  | 'Direct'
  | 'Cross-network'
  | 'Paid Shopping'
  | 'Paid Search'
  | 'Paid Social'
  | 'Paid Video'
  | 'Display'
  | 'Paid Other'
  | 'Organic Shopping'
  | 'Organic Social'
  | 'Organic Video'
  | 'Organic Search'
  | 'Referral'
  | 'Email'
  | 'Affiliates'
  | 'Audio'
  | 'SMS'
  | 'Mobile Push Notifications'
  | 'Unassigned';

/** GA4's session source / medium / campaign, as derived from campaign context and referrer. */
export interface TrafficSource {
  readonly source: string;
  readonly medium: string;
  readonly campaign: string | null;
  /** Category of the source in GA4's source lists (search, social, video, shopping), if listed. */
  readonly category: SourceCategory | null;
}

/** Source and medium a click id implies when the URL has no `utm_*`, as each network's auto-tagging reports it. */
const IMPLIED_BY_CLICK_ID: Readonly<Record<ClickIdType, readonly [source: string, medium: string]>> = {
  gclid: ['google', 'cpc'],
  gbraid: ['google', 'cpc'],
  wbraid: ['google', 'cpc'],
  // GA4 reports Campaign Manager 360 clicks as dfa / cpm, which lands in Display.
  dclid: ['dfa', 'cpm'],
  msclkid: ['bing', 'cpc'],
  ttclid: ['tiktok', 'cpc'],
  li_fat_id: ['linkedin', 'cpc'],
  twclid: ['twitter', 'cpc'],
  // Meta adds fbclid to organic outbound links too: it names the source, not a paid medium.
  fbclid: ['facebook', 'referral'],
  irclickid: ['impact', 'affiliate'],
};

const GA4_PAID_MEDIUM = /^(.*cp.*|ppc|retargeting|paid.*)$/;
const SHOPPING_CAMPAIGN = /^(.*(([^a-df-z]|^)shop|shopping).*)$/;
const DISPLAY_MEDIUM = new Set(['display', 'banner', 'expandable', 'interstitial', 'cpm']);
const SOCIAL_MEDIUM = new Set(['social', 'social-network', 'social-media', 'sm', 'social network', 'social media']);
const EMAIL = new Set(['email', 'e-mail', 'e_mail', 'e mail']);
const REFERRAL_MEDIUM = new Set(['referral', 'app', 'link']);

/**
 * The GA4-style source / medium of an event. `utm_*` first; then what a click id implies; then
 * the referrer: search engines give `organic`, webmail `email`, everything else `referral`;
 * no referrer gives `(direct) / (none)`. An internal referrer also gives `(direct) / (none)`:
 * GA4 ignores self-referrals, and the session keeps the source of its first event, which
 * session-level queries take from the session's landing row.
 *
 * @example
 * trafficSourceOf(parseCampaign({ url }), classifyReferrer({ referrer: 'https://www.bing.com/' }));
 * // { source: 'bing', medium: 'organic', campaign: null, category: 'search' }
 */
export function trafficSourceOf(campaign: CampaignInfo, referrer: ReferrerInfo): TrafficSource {
  const { utm, clickIdType } = campaign;
  const implied = clickIdType ? IMPLIED_BY_CLICK_ID[clickIdType] : null;
  const fromReferrer = referrerSourceMedium(referrer);
  let source: string;
  let medium: string;
  if (utm.source || utm.medium) {
    source = utm.source ?? implied?.[0] ?? fromReferrer?.[0] ?? '(not set)';
    medium = utm.medium ?? implied?.[1] ?? '(not set)';
  } else if (implied) {
    // fbclid alone: Facebook, unless the referrer names the Meta app more precisely (Instagram).
    source = clickIdType === 'fbclid' && referrer.category === 'social' && fromReferrer ? fromReferrer[0] : implied[0];
    medium = implied[1];
  } else {
    [source, medium] = fromReferrer ?? ['(direct)', '(none)'];
  }
  const category =
    sourceByName(source)?.category ?? (fromReferrer && source === fromReferrer[0] ? referrer.category : null);
  return { source, medium, campaign: utm.campaign, category };
}

/**
 * GA4's default channel grouping over a source / medium / campaign, rule by rule in GA4's order.
 *
 * @example
 * defaultChannelOf({ source: 'google', medium: 'cpc', campaign: null, category: 'search' }); // 'Paid Search'
 */
export function defaultChannelOf(traffic: TrafficSource): DefaultChannel {
  const source = traffic.source.toLowerCase();
  const medium = traffic.medium.toLowerCase();
  const campaign = (traffic.campaign ?? '').toLowerCase();
  const { category } = traffic;
  const paid = GA4_PAID_MEDIUM.test(medium);
  const shoppingCampaign = SHOPPING_CAMPAIGN.test(campaign);
  if (source === '(direct)' && (medium === '(none)' || medium === '(not set)')) return 'Direct';
  if (campaign.includes('cross-network')) return 'Cross-network';
  if ((category === 'shopping' || shoppingCampaign) && paid) return 'Paid Shopping';
  if (category === 'search' && paid) return 'Paid Search';
  if (category === 'social' && paid) return 'Paid Social';
  if (category === 'video' && paid) return 'Paid Video';
  if (DISPLAY_MEDIUM.has(medium)) return 'Display';
  if (paid) return 'Paid Other';
  if (category === 'shopping' || shoppingCampaign) return 'Organic Shopping';
  if (category === 'social' || SOCIAL_MEDIUM.has(medium)) return 'Organic Social';
  if (category === 'video' || medium.includes('video')) return 'Organic Video';
  if (category === 'search' || medium === 'organic') return 'Organic Search';
  if (REFERRAL_MEDIUM.has(medium)) return 'Referral';
  if (EMAIL.has(source) || EMAIL.has(medium)) return 'Email';
  if (medium === 'affiliate') return 'Affiliates';
  if (medium === 'audio') return 'Audio';
  if (source === 'sms' || medium === 'sms') return 'SMS';
  if (
    medium.endsWith('push') ||
    medium.includes('mobile') ||
    medium.includes('notification') ||
    source === 'firebase'
  ) {
    return 'Mobile Push Notifications';
  }
  return 'Unassigned';
}

/**
 * The channel of an event: the site's first matching rule, else GA4's default grouping.
 *
 * @example
 * assignChannel(campaign, referrer, [{ channel: 'Partners', when: { source: 'partner-a' } }]); // 'Partners' or a default channel
 */
export function assignChannel(
  campaign: CampaignInfo,
  referrer: ReferrerInfo,
  rules: readonly ChannelRule[] = [],
): { channel: string; traffic: TrafficSource } {
  const traffic = trafficSourceOf(campaign, referrer);
  const custom =
    rules.length > 0
      ? compileChannelRules(rules).match({
          source: traffic.source,
          medium: traffic.medium,
          referrerHost: referrer.host,
          campaign: traffic.campaign,
        })
      : null;
  return { channel: custom ?? defaultChannelOf(traffic), traffic };
}

/** Source / medium the referrer implies, or null without an external referrer. */
function referrerSourceMedium(referrer: ReferrerInfo): readonly [string, string] | null {
  if (referrer.type === 'direct' || referrer.type === 'internal' || !referrer.host) return null;
  const source = referrer.source ? slug(referrer.source) : referrer.host.replace(/^www\./, '');
  if (referrer.category === 'search') return [source, 'organic'];
  if (referrer.category === 'email') return [source, 'email'];
  return [source, 'referral'];
}

/** `Yahoo!` → `yahoo`, `Brave Search` → `brave search`: GA4's lower-case source spelling. */
function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9. -]/g, '');
}
