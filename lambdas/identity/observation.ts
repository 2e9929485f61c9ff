import { z } from 'zod';
import { ValidationError } from '../core/errors';
import { IDENTIFIER_TYPES, type IdentifierInput } from './identifier-types';
import { type PhoneRegion, phoneRegionSchema } from './phone-numbers';
import { MANUAL_REVIEW_EVENT_PREFIX } from './stitching';

/** A trait value as Segment and the tracker send them: any JSON. */
export type TraitValue = string | number | boolean | null | TraitValue[] | { [key: string]: TraitValue };
export type Traits = Readonly<Record<string, TraitValue>>;

/** The slim event recorded with the person the observation resolved to (omit to record none). */
export interface ObservedEvent {
  readonly type: string;
  readonly name?: string;
  readonly url?: string;
  readonly referrer?: string;
  readonly sessionId?: string;
}

/**
 * What the identity queue carries: the identifiers one event showed together, with the traits and
 * context that came with them. Built from collected events by `observationFromEnvelope`.
 */
export interface IdentityObservation {
  readonly v: 1;
  readonly organizationId: string;
  readonly siteId: string;
  /** The collected event's id: observations are idempotent by it. */
  readonly eventId: string;
  /** Event time, epoch milliseconds. Decides the order links are applied in, whatever order they arrive in. */
  readonly observedAt: number;
  /**
   * When the collector received the event, epoch milliseconds, by the server's clock (the event time
   * is the client's, which may run behind): what decides whether an erasure came after it. Absent on
   * observations queued before it was added, which fall back to `observedAt`.
   */
  readonly receivedAt?: number;
  /** Plaintext, even for e-mails and phones: the resolver encrypts them. Highest priority first is not required. */
  readonly identifiers: readonly IdentifierInput[];
  /**
   * The site's default phone region when the event was enriched (its `phoneRegion` setting), sent
   * with observations that carry a phone: a phone typed without its country code is read in it.
   */
  readonly phoneRegion?: PhoneRegion;
  readonly traits?: { readonly $set?: Traits; readonly $set_once?: Traits };
  /** Only used, keyed-hashed, for soft links; never stored. */
  readonly ip?: string;
  readonly userAgent?: string;
  readonly company?: { readonly domain?: string; readonly groupId?: string; readonly name?: string };
  readonly event?: ObservedEvent;
  /**
   * The event as collected (its client IP left out), kept sealed with the person's key in `raw_events`
   * (`raw-events.ts`): what an access request exports and an erasure shreds.
   */
  readonly raw?: RawEventPayload;
}

/** A collected event as the resolver keeps it. */
export interface RawEventPayload {
  /** When the collector received it, epoch milliseconds. */
  readonly receivedAt: number;
  readonly event: Readonly<Record<string, unknown>>;
}

const MAX_TRAIT_BYTES = 8_192;
/** 9999-12-31T23:59:59.999Z: PostgreSQL's `timestamptz` cannot read the ISO text of a later year. */
const MAX_EPOCH_MS = 253_402_300_799_999;
const epochMs = z.number().int().min(0).max(MAX_EPOCH_MS);
/** Twice the collector's bound on one event (32 KiB): normalizing never grows an event that much. */
const MAX_RAW_EVENT_CHARACTERS = 65_536;
const traitValue = z
  .json()
  .refine((value) => JSON.stringify(value).length <= MAX_TRAIT_BYTES, { message: `at most ${MAX_TRAIT_BYTES} bytes` });
// zod drops a key `__proto__` as it copies a record: refused by name instead, from the input.
const traitKey = z.string().min(1).max(128);
const noProtoKey = z.unknown().superRefine((value, context) => {
  if (value !== null && typeof value === 'object' && Object.hasOwn(value, '__proto__')) {
    context.addIssue({ code: 'custom', path: ['__proto__'], message: 'must not be __proto__' });
  }
});
const traits = noProtoKey.pipe(z.record(traitKey, traitValue)).refine((t) => Object.keys(t).length <= 200, {
  message: 'at most 200 traits',
});

/** The message schema, bounded field by field: the queue is fed from public endpoints. */
export const identityObservationSchema = z
  .object({
    v: z.literal(1),
    organizationId: z.uuid(),
    siteId: z.uuid(),
    eventId: z
      .string()
      .min(1)
      .max(128)
      // Reserved for the links reviewers record (`soft-link-review.ts`).
      .refine((id) => !id.startsWith(MANUAL_REVIEW_EVENT_PREFIX), {
        message: `must not start with ${MANUAL_REVIEW_EVENT_PREFIX}`,
      }),
    observedAt: epochMs,
    receivedAt: epochMs.optional(),
    identifiers: z.array(z.object({ type: z.enum(IDENTIFIER_TYPES), value: z.string().max(2_048) })).max(20),
    phoneRegion: phoneRegionSchema.optional(),
    traits: z.object({ $set: traits.optional(), $set_once: traits.optional() }).optional(),
    ip: z.string().max(64).optional(),
    userAgent: z.string().max(1_024).optional(),
    company: z
      .object({
        domain: z.string().max(253).optional(),
        groupId: z.string().max(256).optional(),
        name: z.string().max(200).optional(),
      })
      .optional(),
    event: z
      .object({
        type: z.string().min(1).max(32),
        name: z.string().max(200).optional(),
        url: z.string().max(2_048).optional(),
        referrer: z.string().max(2_048).optional(),
        sessionId: z.string().min(1).max(128).optional(),
      })
      .optional(),
    raw: z
      .object({
        receivedAt: epochMs,
        // Parsed from the message's JSON, so JSON already: only its size is checked.
        event: z
          .record(z.string().max(128), z.unknown())
          .refine((event) => JSON.stringify(event).length <= MAX_RAW_EVENT_CHARACTERS, {
            message: `at most ${MAX_RAW_EVENT_CHARACTERS} characters of JSON`,
          }),
      })
      .optional(),
  })
  // PostgreSQL text and jsonb cannot hold NUL nor half of a UTF-16 surrogate pair: refused here, by
  // name, rather than failing in SQL. The raw event is only ever stored sealed (bytes), where both are harmless.
  .superRefine(({ raw: _sealed, ...stored }, context) => {
    const found = unstorableText(stored);
    if (found) context.addIssue({ code: 'custom', path: found.path.reverse(), message: found.message });
  }) satisfies z.ZodType<IdentityObservation>;

/**
 * The first string (key or value) of `value` that PostgreSQL text cannot hold, with its path
 * (innermost first, built only when one is found): one holding NUL or the six characters `\u0000`
 * (which `JSON.stringify` writes for it, and jsonb refuses), or a lone surrogate. Walks the value
 * instead of serializing every message to search it.
 */
function unstorableText(value: unknown): { path: (string | number)[]; message: string } | undefined {
  if (typeof value === 'string') {
    if (value.includes('\u0000') || value.includes('\\u0000'))
      return { path: [], message: 'must not contain NUL characters' };
    if (!value.isWellFormed()) return { path: [], message: 'must be well-formed Unicode (a lone UTF-16 surrogate)' };
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableText(value[i]);
      if (found) return { path: [...found.path, i], message: found.message };
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const found = unstorableText(key) ?? unstorableText(v);
    if (found) return { path: [...found.path, key], message: found.message };
  }
  return undefined;
}

/**
 * A queue message as an observation, or a `ValidationError` naming the first field that is wrong.
 *
 * @example
 * const observation = parseIdentityObservation(JSON.parse(record.body));
 */
export function parseIdentityObservation(message: unknown): IdentityObservation {
  const parsed = identityObservationSchema.safeParse(message);
  if (parsed.success) return parsed.data as IdentityObservation;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  throw new ValidationError(`identity observation: ${field ? `${field}: ` : ''}${issue?.message}`, field);
}
