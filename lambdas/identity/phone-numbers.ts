import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { z } from 'zod';

/**
 * A site's default phone region: the ISO 3166-1 alpha-2 code (`FR`, `US`) of the country whose
 * numbering plan a phone typed without its country code belongs to.
 */
export type PhoneRegion = CountryCode;

/**
 * Whether `value` is a region whose numbering plan is known (upper case, as ISO 3166-1 writes it).
 *
 * @example
 * isPhoneRegion('FR'); // true
 * isPhoneRegion('XX'); // false
 */
export function isPhoneRegion(value: unknown): value is PhoneRegion {
  return typeof value === 'string' && /^[A-Z]{2}$/.test(value) && isSupportedCountry(value);
}

/** A region as the site settings and the identity queue's messages take it: upper case, known to the numbering plans. */
export const phoneRegionSchema = z
  .string()
  .max(2)
  .pipe(
    z.custom<PhoneRegion>(isPhoneRegion, {
      message: 'expected an ISO 3166-1 alpha-2 region with a numbering plan, e.g. FR or US',
    }),
  )
  .describe('default region of phone numbers typed without a country code (ISO 3166-1 alpha-2, e.g. FR)');

/**
 * The E.164 form of a phone already reduced to `+` and digits (`00` written as `+`), reading a number
 * without its country code in `region`'s numbering plan; `undefined` when it is not a possible
 * number there (a wrong length for its country, an unknown country code).
 *
 * @example
 * e164PhoneNumber('0612345678', 'FR');    // '+33612345678'
 * e164PhoneNumber('+330612345678', 'FR'); // '+33612345678' (the national 0 typed after the country code)
 * e164PhoneNumber('123456', 'FR');        // undefined
 */
export function e164PhoneNumber(digits: string, region: PhoneRegion): string | undefined {
  const number = parsePhoneNumberFromString(digits, { defaultCountry: region, extract: false });
  return number?.isPossible() ? number.number : undefined;
}
