import type { ConversionStatus } from '../db/schema/postbacks';

/**
 * Text safe to keep in the lake's JSON `properties` and read back with `json_extract` on both
 * Athena and DuckDB: no quotes, backslashes or control characters (which JSON would escape).
 */
export const SAFE_TEXT = /^[^"\\\p{Cc}]*$/u;

const DECIMAL = /^\d{1,14}(\.\d{1,6})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * A money amount as an exact decimal string (up to 14 integer and 6 fractional digits), or
 * `undefined` when it is not one. Negative amounts are refused: a refund is a status change.
 *
 * @example
 * decimalAmount('0012.50'); // '12.50'
 * decimalAmount('-3');      // undefined
 */
export function decimalAmount(text: string): string | undefined {
  const trimmed = text.trim().replace(/^\+/, '');
  if (!DECIMAL.test(trimmed)) return undefined;
  return trimmed.replace(/^0+(?=\d)/, '');
}

export type DeviceIdCheck = { readonly ok: true; readonly value: string | undefined } | { readonly ok: false };

/**
 * An advertising or vendor id (IDFA, GAID, IDFV): a UUID, upper-cased for Apple's ids and
 * lower-cased for Google's, as each platform prints them. The all-zero id a device sends when ad
 * tracking is limited means "no id", not an invalid one.
 *
 * @example
 * advertisingId('8c6cbc0d-5f43-4765-a6e6-84dff3d24707', 'upper'); // { ok: true, value: '8C6CBC0D-…' }
 * advertisingId('00000000-0000-0000-0000-000000000000', 'upper'); // { ok: true, value: undefined }
 * advertisingId('not-an-ifa', 'lower');                            // { ok: false }
 */
export function advertisingId(text: string, letterCase: 'upper' | 'lower'): DeviceIdCheck {
  const value = text.trim();
  if (!UUID.test(value)) return { ok: false };
  if (value === ZERO_UUID) return { ok: true, value: undefined };
  return { ok: true, value: letterCase === 'upper' ? value.toUpperCase() : value.toLowerCase() };
}

const STATUS_SYNONYMS: Readonly<Record<string, ConversionStatus>> = {
  approved: 'approved',
  approve: 'approved',
  confirmed: 'approved',
  accepted: 'approved',
  locked: 'approved',
  cleared: 'approved',
  paid: 'approved',
  completed: 'approved',
  valid: 'approved',
  pending: 'pending',
  hold: 'pending',
  on_hold: 'pending',
  open: 'pending',
  rejected: 'rejected',
  reject: 'rejected',
  declined: 'rejected',
  denied: 'rejected',
  reversed: 'rejected',
  cancelled: 'rejected',
  canceled: 'rejected',
  invalid: 'rejected',
  refunded: 'rejected',
  chargeback: 'rejected',
  fraud: 'rejected',
};

/**
 * Our status for a network's status word (case-insensitive), with `custom` values first;
 * `undefined` for a word we do not know.
 *
 * @example
 * conversionStatus('REVERSED'); // 'rejected'  (Impact)
 * conversionStatus('Cancelled'); // 'rejected' (Trackier)
 */
export function conversionStatus(
  text: string,
  custom: Readonly<Record<string, ConversionStatus>> = {},
): ConversionStatus | undefined {
  const key = text.trim().toLowerCase();
  return custom[key] ?? STATUS_SYNONYMS[key];
}

const EARLIEST = Date.UTC(2000, 0, 1);
const SKEW_MS = 24 * 60 * 60 * 1000;

/**
 * A conversion or install time as epoch milliseconds, from the forms networks send: Unix
 * seconds or milliseconds, ISO 8601, `YYYY-MM-DD HH:MM:SS[.fff]` in UTC (AppsFlyer), or
 * CAKE's 7-digit fractions. `undefined` for anything else, or a time before 2000 or more than a
 * day ahead of `now`.
 *
 * @example
 * eventTimeMs('1700000000', Date.now());              // 1700000000000
 * eventTimeMs('2024-05-01 10:00:00.123', Date.now()); // Date.UTC(2024, 4, 1, 10, 0, 0, 123)
 */
export function eventTimeMs(text: string, now: number): number | undefined {
  const value = text.trim();
  let ms: number;
  if (/^\d{10}(\.\d+)?$/.test(value)) ms = Math.round(Number(value) * 1000);
  else if (/^\d{13}$/.test(value)) ms = Number(value);
  else {
    const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
    if (!match) return undefined;
    const fraction = (match[3] ?? '').slice(0, 4).padEnd(match[3] ? 4 : 0, '0');
    const zone = (match[4] ?? 'Z').replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    ms = Date.parse(`${match[1]}T${match[2]}${fraction}${zone}`);
  }
  if (!Number.isFinite(ms) || ms < EARLIEST || ms > now + SKEW_MS) return undefined;
  return ms;
}
