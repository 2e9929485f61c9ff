import { z } from 'zod';
import { ValidationError } from '../core/errors';
import type { ConversionStatus } from '../db/schema/postbacks';
import { advertisingId, conversionStatus, decimalAmount, eventTimeMs, SAFE_TEXT } from './conversion-values';
import type { PostbackNetwork } from './networks';
import type { ConversionField, RawConversion } from './raw-conversion';

/** One conversion in our schema, whichever network reported it. */
export interface ParsedConversion {
  readonly network: PostbackNetwork;
  /** Unique per (site, network): replays of it are not counted twice. */
  readonly transactionId: string;
  readonly clickId?: string;
  /** Exact decimal strings. */
  readonly amount?: string;
  readonly payout?: string;
  readonly currency?: string;
  readonly status: ConversionStatus;
  readonly eventName: string;
  /** Epoch milliseconds. */
  readonly eventTime?: number;
  readonly installTime?: number;
  readonly idfa?: string;
  readonly gaid?: string;
  readonly idfv?: string;
  readonly deviceId?: string;
  readonly userId?: string;
  readonly anonymousId?: string;
  readonly affiliateId?: string;
  readonly offerId?: string;
  readonly campaign?: string;
  readonly mediaSource?: string;
  readonly platform?: string;
  /** `sub1`…`sub5`. */
  readonly subIds: Readonly<Record<string, string>>;
}

export interface ConversionDefaults {
  /** When the postback names no status. */
  readonly status: ConversionStatus;
  /** When the postback names no event. */
  readonly eventName: string;
  /** Assumed when an amount or payout comes without a currency. */
  readonly currency?: string;
  /** Extra status words (lower-case) → ours. */
  readonly statusValues?: Readonly<Record<string, ConversionStatus>>;
  readonly now: number;
}

const SAFE = 'must not contain quotes, backslashes or control characters';
const text = (max: number) => z.string().min(1).max(max).regex(SAFE_TEXT, SAFE);

/**
 * Built once: zod schemas are costly to construct, and a postback is parsed in microseconds. What
 * depends on the call (the clock, a site's own status words) is checked after parsing.
 */
const conversionSchema = (() => {
  const money = z
    .string()
    .max(32)
    .transform((value, ctx) => {
      const amount = decimalAmount(value);
      if (amount === undefined) ctx.addIssue({ code: 'custom', message: 'must be a non-negative decimal amount' });
      return amount ?? '';
    });
  const time = z
    .string()
    .max(40)
    .transform((value, ctx) => {
      const ms = eventTimeMs(value, Number.POSITIVE_INFINITY);
      if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'must be a Unix or ISO 8601 time after 2000' });
      return ms ?? 0;
    });
  const adId = (letterCase: 'upper' | 'lower') =>
    z
      .string()
      .max(64)
      .transform((value, ctx) => {
        const check = advertisingId(value, letterCase);
        if (!check.ok) ctx.addIssue({ code: 'custom', message: 'must be a UUID (IFA format)' });
        return check.ok ? check.value : undefined;
      });
  return z.object({
    transactionId: text(256),
    clickId: text(256).optional(),
    amount: money.optional(),
    payout: money.optional(),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code')
      .transform((c) => c.toUpperCase())
      .optional(),
    status: z.string().max(32).optional(),
    eventName: text(200).optional(),
    eventTime: time.optional(),
    installTime: time.optional(),
    idfa: adId('upper').optional(),
    gaid: adId('lower').optional(),
    idfv: adId('upper').optional(),
    deviceId: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1–128 letters, digits or . _ : -')
      .optional(),
    userId: text(256).optional(),
    anonymousId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1–128 letters, digits, _ or -')
      .optional(),
    affiliateId: text(128).optional(),
    offerId: text(128).optional(),
    campaign: text(200).optional(),
    mediaSource: text(200).optional(),
    platform: text(32).optional(),
    sub1: text(256).optional(),
    sub2: text(256).optional(),
    sub3: text(256).optional(),
    sub4: text(256).optional(),
    sub5: text(256).optional(),
  } satisfies Record<ConversionField, z.ZodType>);
})();

const SKEW_MS = 24 * 60 * 60 * 1000;

/**
 * Validates a parser's reading against the conversion schema and fills the defaults. A value that
 * fails (a malformed IDFA, a negative amount, an unknown status) is a `ValidationError` naming
 * the request field it came from, so the failure record points at what the network sent.
 *
 * @example
 * const conversion = validateConversion('everflow', parseEverflow(fields), {
 *   status: 'approved', eventName: 'conversion', currency: 'USD', now: Date.now(),
 * });
 */
export function validateConversion(
  network: PostbackNetwork,
  raw: RawConversion,
  defaults: ConversionDefaults,
): ParsedConversion {
  const input = Object.fromEntries(
    Object.entries(raw)
      .filter(([, picked]) => picked?.value !== undefined)
      .map(([key, picked]) => [key, picked?.value]),
  );
  const fail = (key: ConversionField, message: string): never => {
    const field = raw[key]?.field ?? key;
    throw new ValidationError(`${field} ${message}`, field);
  };
  const parsed = conversionSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? 'transactionId') as ConversionField;
    return fail(key, input[key] === undefined ? 'is required' : (issue?.message ?? 'is invalid'));
  }
  const { sub1, sub2, sub3, sub4, sub5, status: statusText, eventName, currency, ...rest } = parsed.data;
  for (const key of ['eventTime', 'installTime'] as const) {
    if ((rest[key] ?? 0) > defaults.now + SKEW_MS) fail(key, 'is more than a day in the future');
  }
  const status =
    statusText === undefined
      ? undefined
      : (conversionStatus(statusText, defaults.statusValues) ?? fail('status', `is unknown: "${statusText}"`));
  const subIds = Object.fromEntries(
    Object.entries({ sub1, sub2, sub3, sub4, sub5 }).filter((entry): entry is [string, string] => !!entry[1]),
  );
  const hasMoney = rest.amount !== undefined || rest.payout !== undefined;
  const resolvedCurrency = currency ?? (hasMoney ? defaults.currency : undefined);
  return {
    ...(Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Omit<
      ParsedConversion,
      'network' | 'status' | 'eventName' | 'subIds' | 'currency'
    >),
    network,
    status: status ?? defaults.status,
    eventName: eventName ?? defaults.eventName,
    ...(resolvedCurrency ? { currency: resolvedCurrency } : {}),
    subIds,
  };
}
