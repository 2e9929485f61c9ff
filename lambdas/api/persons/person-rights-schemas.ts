import { z } from 'zod';

/** The answer of `DELETE /api/persons/{personId}` (identity's `ErasureReport`), for the OpenAPI description. */
export const erasureReportSchema = z.object({
  personId: z.uuid().describe('the person erased: the one asked for, or the one it had been merged into'),
  erasedPersonIds: z.array(z.uuid()).describe('that person and every person merged into it, all now tombstones'),
  identifiersDeleted: z.number().int(),
  keysShredded: z.number().int().describe('PII keys deleted: every ciphertext made with them is unreadable'),
  rawEventsDeleted: z.number().int(),
  eventsDeleted: z.number().int().describe('slim events recorded under them'),
  sessionsDeleted: z.number().int(),
  conversionsPseudonymized: z
    .number()
    .int()
    .describe("conversions (postbacks) that named them: their ids and the network's payload cleared, the sale kept"),
  lakeErasurePending: z
    .boolean()
    .describe(
      "the lake still holds events under the person's anonymous, user or device ids until the daily maintenance",
    ),
  erasedAt: z.iso.datetime(),
  alreadyErased: z.boolean().describe('true when the person had been erased before: nothing more was done'),
});

const nullableText = z.string().nullable();

/** A current person's profile (identity's `PersonProfile`), PII decrypted. */
const personProfileSchema = z.object({
  id: z.uuid(),
  siteId: z.uuid(),
  firstSeenAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  mergedFrom: z.array(z.uuid()).describe('persons merged into this one'),
  identifiers: z.array(
    z.object({
      type: z.string(),
      value: nullableText.describe('decrypted; null when its key was shredded'),
      firstSeenAt: z.iso.datetime(),
    }),
  ),
  traits: z.record(z.string(), z.unknown()),
  companies: z.array(
    z.object({
      id: z.uuid(),
      domain: nullableText,
      groupId: nullableText,
      name: nullableText,
      source: z.string(),
      firstSeenAt: z.iso.datetime(),
    }),
  ),
  merges: z.array(
    z.object({
      from: z.uuid(),
      into: z.uuid(),
      rule: z.string(),
      mergedAt: z.iso.datetime(),
      reversedAt: z.iso.datetime().nullable(),
    }),
  ),
  conflicts: z.array(
    z.object({
      reason: z.string(),
      identifier: z.object({ type: z.string(), value: nullableText }),
      personIds: z.array(z.uuid()),
      detectedAt: z.iso.datetime(),
    }),
  ),
});

const rows = (fields: string) => z.array(z.record(z.string(), z.unknown())).describe(fields);

/** The answer of `GET /api/persons/{personId}/export` (identity's `PersonExport`): everything, or the tombstone. */
/** A page of a person's events in the lake (`lakeEventsOfPerson`). */
export const lakeEventPageSchema = z.object({
  events: z
    .array(z.record(z.string(), z.unknown()))
    .describe("every column of the lake's events table; oldest first, then by event id"),
  next: z.string().nullable().describe('pass as `after` for the next page; null on the last'),
  idsLeftOut: z
    .number()
    .int()
    .describe('anonymous or user ids of the person not asked about (more than 20 of a kind); 0 normally'),
});

export const personExportSchema = z.discriminatedUnion('erased', [
  z.object({
    personId: z.uuid().describe('the person as they are now (a merged id leads to the person it was merged into)'),
    erased: z.literal(false),
    exportedAt: z.iso.datetime(),
    person: personProfileSchema,
    traitValues: z
      .array(
        z.object({
          key: z.string(),
          mode: z.enum(['set', 'set_once']),
          value: z.unknown().describe('decrypted; null when it can no longer be opened'),
          observedAt: z.iso.datetime(),
          shownBy: z
            .object({ type: z.string(), value: nullableText })
            .describe('the identifier that showed it (PII decrypted; null when it can no longer be opened)'),
        }),
      )
      .describe(
        'every trait value held, one per identifier that showed it (the profile has the effective one of each key)',
      ),
    lakeSeenAt: z.iso
      .datetime()
      .nullable()
      .describe('the latest visit retention found in the lake for them, if it ever looked'),
    sessions: rows('sessionId, personId, startedAt, lastEventAt, eventCount, entryUrl, referrer; oldest first'),
    events: rows('eventId, occurredAt, personId, sessionId, type, name, url, referrer; oldest first'),
    rawEvents: z
      .array(
        z.object({
          eventId: z.string(),
          receivedAt: z.iso.datetime(),
          payload: z.unknown().describe('decrypted; null when it can no longer be opened'),
        }),
      )
      .describe('the events as received, decrypted; oldest first'),
    softLinks: rows(
      'personA, personB, status, createdAt, decidedAt, evidence (kind, windowStart, firstSeenAt, lastSeenAt); oldest first',
    ),
    softSignals: rows(
      'kind, digest, personId, firstSeenAt, lastSeenAt: keyed hashes of IP and user agent, of e-mail variants, ' +
        'that soft links are proposed from (never the values); oldest first',
    ),
    conversions: rows(
      'network, transactionId, eventName, status, amount, payout, currency, occurredAt, receivedAt, clickId, affiliateId, ' +
        'offerId, campaign, mediaSource, platform, subIds, anonymousId, userId, idfa, gaid, idfv, deviceId, rawPayload: ' +
        'the conversions (postbacks) that name them by an anonymous, user or device id; oldest first',
    ),
    lakeEvents: lakeEventPageSchema
      .optional()
      .describe(
        'the first page of the events the lake holds under their anonymous and user ids, whole; ' +
          'the rest from `GET /api/persons/{personId}/lake-events?after=<next>`',
      ),
  }),
  z.object({
    personId: z.uuid(),
    erased: z.literal(true).describe('the person was erased: only the tombstone is left'),
    erasedAt: z.iso.datetime(),
  }),
]);
