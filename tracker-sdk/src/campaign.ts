import type { Attribution } from './types';
import { clip } from './util';

const CLICK_IDS = [
  'gclid',
  'gbraid',
  'wbraid',
  'dclid',
  'fbclid',
  'msclkid',
  'ttclid',
  'li_fat_id',
  'twclid',
  'irclickid',
];
/** Affiliate network sub ids: sub1..sub5, subid, sub_id, subid1..5, aff_sub, aff_sub2..5, aff_id, affid, clickref. */
const SUB_ID = /^(sub_?id[1-5]?|sub[1-5]|aff_sub[1-5]?|aff_?id|clickref)$/;

/**
 * Reads `utm_*`, ad click ids and affiliate sub ids from a query string; undefined when it has none.
 *
 * @example campaignFrom('?utm_source=news&gclid=abc') // { utm: { source: 'news' }, clid: { gclid: 'abc' } }
 */
export const campaignFrom = (search: string): Attribution | undefined => {
  const out: Attribution = {};
  let found = false;
  const put = (group: keyof Attribution, key: string, value: string): void => {
    const into = out[group] || {};
    // The collector takes at most 12 entries per group.
    if (Object.keys(into).length < 12) into[key] = clip(value, 256);
    out[group] = into;
    found = true;
  };
  new URLSearchParams(search).forEach((value, raw) => {
    const key = raw.toLowerCase();
    if (!value) return;
    if (/^utm_(source|medium|campaign|term|content|id)$/.test(key)) put('utm', key.slice(4), value);
    else if (CLICK_IDS.indexOf(key) >= 0) put('clid', key, value);
    else if (SUB_ID.test(key)) put('sub', key, value);
  });
  return found ? out : undefined;
};
