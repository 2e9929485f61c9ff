import { blockedReason } from './blocked-values';
import type { IdentifierInput, IdentifierType } from './identifier-types';
import { e164PhoneNumber, type PhoneRegion } from './phone-numbers';

export const MAX_IDENTIFIER_LENGTH = 512;

export type NormalizedIdentifier =
  | { readonly ok: true; readonly type: IdentifierType; readonly value: string }
  | { readonly ok: false; readonly type: IdentifierType; readonly reason: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Invisible characters a value picks up when copied from a page or a chat: zero-width space, (non-)joiner, word joiner, BOM. */
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;

/** What normalizing depends on besides the value: the settings of the site that saw it. */
export interface NormalizationOptions {
  /**
   * The site's default phone region: phones become E.164, a number typed without its country code
   * read in this region's numbering plan, and one that is not a possible number is refused. Without
   * it, phones are `+` and digits as typed (a national number stays national).
   */
  readonly phoneRegion?: PhoneRegion | undefined;
}

/**
 * The canonical form of an identifier, or why it cannot be one: zero-width characters removed, trimmed;
 * e-mails in Unicode NFC, lower-cased;
 * phones reduced to `+` and digits (`00` read as `+`), then, on a site with a default phone region,
 * to E.164 (`06 12 34 56 78` on an `FR` site is `+33612345678`; not a possible number: `malformed`);
 * device ids lower-cased; blocked values (`null`, `anonymous`, all-zero ids, `test@test.com`, ...) refused.
 *
 * @example
 * normalizeIdentifier({ type: 'email', value: ' Ada@Example.COM ' }) // { ok: true, type: 'email', value: 'ada@example.com' }
 * normalizeIdentifier({ type: 'user_id', value: 'undefined' })      // { ok: false, type: 'user_id', reason: 'blocked_value' }
 * normalizeIdentifier({ type: 'phone', value: '06 12 34 56 78' }, { phoneRegion: 'FR' }) // { ok: true, type: 'phone', value: '+33612345678' }
 */
export function normalizeIdentifier(input: IdentifierInput, options: NormalizationOptions = {}): NormalizedIdentifier {
  const { type } = input;
  const trimmed = input.value.replace(ZERO_WIDTH, '').trim();
  if (trimmed.length > MAX_IDENTIFIER_LENGTH) return { ok: false, type, reason: 'too_long' };
  const value = canonicalValue(type, trimmed);
  if (value === undefined) return { ok: false, type, reason: 'malformed' };
  // Screened as typed: a phone of zeros is a placeholder whatever country it would be read in.
  const blocked = blockedReason(value);
  if (blocked) return { ok: false, type, reason: blocked };
  if (type === 'phone' && options.phoneRegion) {
    const e164 = e164PhoneNumber(value, options.phoneRegion);
    return e164 === undefined ? { ok: false, type, reason: 'malformed' } : { ok: true, type, value: e164 };
  }
  return { ok: true, type, value };
}

function canonicalValue(type: IdentifierType, value: string): string | undefined {
  switch (type) {
    case 'email': {
      // One address, one form: `é` typed composed or as `e` plus a combining accent (macOS) is one inbox.
      const email = value.normalize('NFC').toLowerCase();
      return EMAIL.test(email) ? email : undefined;
    }
    case 'phone': {
      const digits = value.replace(/[\s().\-/]/g, '');
      const match = /^(\+|00)?(\d{6,15})$/.exec(digits);
      if (!match) return undefined;
      return match[1] ? `+${match[2]}` : match[2];
    }
    case 'idfa':
    case 'gaid':
    case 'idfv':
    case 'device_id':
      return value.toLowerCase();
    default:
      return value;
  }
}
