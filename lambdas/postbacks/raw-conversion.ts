/** The fields a parser reads out of a network's postback, before validation. */
export const CONVERSION_FIELDS = [
  'transactionId',
  'clickId',
  'amount',
  'payout',
  'currency',
  'status',
  'eventName',
  'eventTime',
  'installTime',
  'idfa',
  'gaid',
  'idfv',
  'deviceId',
  'userId',
  'anonymousId',
  'affiliateId',
  'offerId',
  'campaign',
  'mediaSource',
  'platform',
  'sub1',
  'sub2',
  'sub3',
  'sub4',
  'sub5',
] as const;

export type ConversionField = (typeof CONVERSION_FIELDS)[number];

/** A value and the request field it came from, so a validation error can name that field. */
export interface Picked {
  readonly value?: string;
  readonly field: string;
}

/** A parser's reading of one postback; `transactionId` always names its field, even when missing. */
export type RawConversion = Partial<Record<ConversionField, Picked>> & { readonly transactionId: Picked };

export type PostbackFields = Readonly<Record<string, string>>;

/** Macros a network left unreplaced (`{sub2}`, `#s2#`, `%7Bsub2%7D`, `${sub2}`, `[SUB2]`) carry no value. */
const UNREPLACED_MACRO = /^(\{[^{}]*\}|#[A-Za-z0-9_]+#|%7B.*%7D|\$\{[^}]*\}|\[[A-Z0-9_]+\]|\{\{[^}]*\}\})$/i;

/**
 * The first of `names` the postback carries a value for (trimmed; empty strings and unreplaced
 * macros skipped). When none does, the result names the first field, for a "required" error.
 *
 * @example
 * pick({ sale_amount: '12.5' }, 'sale_amount', 'amount'); // { value: '12.5', field: 'sale_amount' }
 * pick({ sub1: '{sub1}' }, 'sub1');                        // { field: 'sub1' }
 */
export function pick(fields: PostbackFields, ...names: readonly string[]): Picked {
  for (const name of names) {
    const value = fields[name]?.trim();
    if (value && !UNREPLACED_MACRO.test(value)) return { value, field: name };
  }
  return { field: names[0] ?? 'body' };
}

/** A fixed value a parser supplies itself (a default event name, a composed transaction id). */
export function given(value: string | undefined, field: string): Picked {
  return value === undefined ? { field } : { value, field };
}
