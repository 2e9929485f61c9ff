import { CLICK_ID, type ClickRecord, findClick } from '../attribution/click-records';
import type { KeyValue } from '../ports/key-value';
import type { ParsedConversion } from './parsed-conversion';

const MAX_CANDIDATES = 6;
/** Clocks differ between our redirect and a network's server; a conversion a minute "before" its click still counts. */
const CLOCK_SKEW_MS = 60_000;

/**
 * The tracked-link click a conversion came from: the postback's click id, or any sub id carrying
 * one of our click ids (advertisers pass `{click_id}` through whichever sub id their network has),
 * provided the conversion happened within that click's cookie window.
 *
 * @example
 * const click = await linkedClick(keyValue, siteId, conversion, occurredAt);
 * click?.anonymousId; // the visitor who clicked, when the redirect knew them
 */
export async function linkedClick(
  keyValue: KeyValue,
  siteId: string,
  conversion: ParsedConversion,
  occurredAt: number,
): Promise<ClickRecord | undefined> {
  const candidates = [conversion.clickId, ...Object.values(conversion.subIds)]
    .filter((value): value is string => value !== undefined && CLICK_ID.test(value))
    .map((value) => value.toLowerCase());
  for (const clickId of [...new Set(candidates)].slice(0, MAX_CANDIDATES)) {
    const click = await findClick(keyValue, siteId, clickId);
    if (click && occurredAt >= click.clickedAt - CLOCK_SKEW_MS && occurredAt <= click.expiresAt) return click;
  }
  return undefined;
}
