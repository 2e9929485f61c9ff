import { z } from 'zod';
import { ValidationError } from '../core/errors';
import { IDENTIFIER_TYPES, type IdentifierInput } from './identifier-types';
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
  /** Plaintext, even for e-mails and phones: the resolver encrypts them. Highest priority first is not required. */
  readonly identifiers: readonly IdentifierInput[];
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
/** Twice the collector's bound on one event (32 KiB): normalizing never grows an event that much. */
const MAX_RAW_EVENT_CHARACTERS = 65_536;
const traitValue = z
  .json()
  .refine((value) => JSON.stringify(value).length <= MAX_TRAIT_BYTES, { message: `at most ${MAX_TRAIT_BYTES} bytes` });
const traits = z.record(z.string().min(1).max(128), traitValue).refine((t) => Object.keys(t).length <= 200, {
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
    observedAt: z.number().int().min(0).max(8_640_000_000_000_000),
    identifiers: z.array(z.object({ type: z.enum(IDENTIFIER_TYPES), value: z.string().max(2_048) })).max(20),
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
        receivedAt: z.number().int().min(0).max(8_640_000_000_000_000),
        // Parsed from the message's JSON, so JSON already: only its size is checked.
        event: z
          .record(z.string().max(128), z.unknown())
          .refine((event) => JSON.stringify(event).length <= MAX_RAW_EVENT_CHARACTERS, {
            message: `at most ${MAX_RAW_EVENT_CHARACTERS} characters of JSON`,
          }),
      })
      .optional(),
  })
  // PostgreSQL text and jsonb cannot hold NUL: refuse it here, by name, rather than fail in SQL. The
  // raw event is only ever stored sealed (bytes), where a NUL is harmless.
  .refine(({ raw: _sealed, ...stored }) => !hasNulInJson(stored), {
    message: 'must not contain NUL characters',
  }) satisfies z.ZodType<IdentityObservation>;

/**
 * Whether `JSON.stringify(value)` would contain `\u0000`: a string (key or value) holding NUL, or the
 * six characters `\u0000` themselves (escaped to `\\u0000`, which contains them). Walks the value
 * instead of serializing every message just to search it.
 */
function hasNulInJson(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000') || value.includes('\\u0000');
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(hasNulInJson);
  for (const [key, v] of Object.entries(value)) {
    if (v !== undefined && (hasNulInJson(key) || hasNulInJson(v))) return true;
  }
  return false;
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
