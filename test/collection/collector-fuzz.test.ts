import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { createLocalEventStream, type LocalEventStream } from '../../lambdas/adapters/local/local-event-stream';
import { SEGMENT_TYPES } from '../../lambdas/collection/segment-schema';
import { envelopesOf } from '../../lambdas/collection/stream-records';
import { makeCollectHandler, PIXEL_REJECTED_HEADER } from '../../lambdas/handlers/collect';
import { FIXED_SITE, fixedSiteRegistry } from '../support/fixed-site';
import { makeTempDir } from '../support/temp-dir';

const SITE = FIXED_SITE;
const sites = fixedSiteRegistry;

function apiEvent(path: string, body: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'text/plain', ...headers },
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'fuzz' },
      requestId: 'r',
      routeKey: `POST ${path}`,
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    body,
    isBase64Encoded: false,
  };
}

/** Events that are usually valid, with any field liable to be replaced by garbage. */
const trackerEvent = fc.record(
  {
    id: fc.oneof(fc.uuid(), fc.string({ maxLength: 80 }), fc.anything()),
    type: fc.oneof(fc.constantFrom('page', 'track', 'identify'), fc.anything()),
    name: fc.oneof(fc.string({ minLength: 1, maxLength: 220 }), fc.anything()),
    ts: fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.double(), fc.anything()),
    aid: fc.oneof(fc.string({ maxLength: 70 }), fc.anything()),
    url: fc.oneof(fc.webUrl(), fc.string({ maxLength: 2100 }), fc.anything()),
    props: fc.oneof(
      fc.dictionary(fc.string({ maxLength: 130 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 55 }),
      fc.anything(),
    ),
    ctx: fc.oneof(fc.record({ sw: fc.integer(), lang: fc.string({ maxLength: 40 }), cl: fc.boolean() }), fc.anything()),
  },
  { requiredKeys: [] },
);

describe('collector under random and malformed input', () => {
  let stream: LocalEventStream;
  let cleanup: () => void;
  const handler = () => makeCollectHandler({ sites, events: stream, trustedProxies: '127.0.0.1/32' });

  beforeAll(() => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    stream = createLocalEventStream({ dir: temp.dir, shardCount: 1 });
  });
  afterAll(async () => {
    await stream.close();
    cleanup();
  });

  const drain = async () => {
    const consumer = stream.consumer('fuzz');
    const [shard] = await consumer.shardIds();
    const records = await consumer.read(shard as string, 100_000);
    const last = records.at(-1);
    if (last) await consumer.checkpoint(shard as string, last.sequenceNumber);
    return records;
  };

  it('answers any tracker payload with 2xx or a 4xx naming a field, and stores every accepted or rejected event', async () => {
    const collect = handler();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            site: fc.constant(SITE.siteKey),
            events: fc.array(trackerEvent, { minLength: 1, maxLength: 30 }),
          }),
          fc.record(
            { site: fc.oneof(fc.constant(SITE.siteKey), fc.string()), events: fc.anything() },
            { requiredKeys: [] },
          ),
          fc.jsonValue(),
        ),
        async (payload) => {
          await drain();
          const response = (await collect(apiEvent('/e', JSON.stringify(payload) ?? ''), {} as never)) as {
            statusCode: number;
            body: string;
          };
          const body = JSON.parse(response.body) as {
            accepted?: number;
            rejected?: unknown[];
            error?: { field?: string };
          };
          const stored = await drain();
          if (response.statusCode === 202) {
            const events = (payload as { events: unknown[] }).events;
            expect((body.accepted ?? -1) + (body.rejected?.length ?? -1)).toBe(events.length);
            const envelopes = stored.flatMap((r) => envelopesOf(Buffer.from(r.data).toString()) as { kind: string }[]);
            expect(envelopes).toHaveLength(events.length);
            const failures = envelopes.filter((e) => e.kind === 'failed');
            expect(failures).toHaveLength(body.rejected?.length ?? -1);
          } else {
            expect(response.statusCode).toBeGreaterThanOrEqual(400);
            expect(response.statusCode).toBeLessThan(500);
            expect(typeof body.error?.field).toBe('string');
          }
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);

  /** A body over Segment's 500 KB, built once. */
  const oversize = JSON.stringify({
    batch: [{ type: 'track', userId: 'u', event: 'x', properties: { b: 'y'.repeat(520_000) } }],
  });
  const envelopesOfRecords = (records: { data: Uint8Array }[]) =>
    records.flatMap((r) => envelopesOf(Buffer.from(r.data).toString()) as { kind: string; reason?: string }[]);

  it('answers any Segment call with 200, a 400 naming a field, or a 401 naming the write key, and stores every event it took', async () => {
    const collect = handler();
    const valid = fc.record({
      type: fc.constantFrom('track', 'page', 'screen'),
      messageId: fc.uuid(),
      userId: fc.string({ minLength: 1, maxLength: 40 }),
      event: fc.string({ minLength: 1, maxLength: 40 }),
      properties: fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
    });
    const hostile = fc.record(
      {
        type: fc.oneof(fc.constantFrom('track', 'identify', 'page', 'screen', 'group', 'alias'), fc.anything()),
        userId: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.anything()),
        event: fc.oneof(fc.string({ maxLength: 210 }), fc.anything()),
        messageId: fc.oneof(fc.uuid(), fc.anything()),
        timestamp: fc.oneof(
          fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
          fc.anything(),
        ),
        properties: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), fc.anything()),
        context: fc.anything(),
      },
      { requiredKeys: [] },
    );
    const message = fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: hostile });
    const auth = fc.constantFrom('header', 'body', 'none', 'wrong-header', 'wrong-body');
    const body = fc.oneof(
      { weight: 6, arbitrary: fc.array(message, { maxLength: 8 }).map((batch) => ({ batch })) },
      { weight: 2, arbitrary: message.map((m) => ({ ...m, single: true })) },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((text) => ({ text: `{${text}` })) },
      { weight: 1, arbitrary: fc.constant({ text: oversize }) },
    );
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(body, auth, fc.constantFrom(...SEGMENT_TYPES), async (input, authorized, type) => {
        // Prepare
        await drain();
        const key = authorized.startsWith('wrong') ? 'sk_wrong' : 'sk_fuzz';
        const headers = authorized.endsWith('header')
          ? { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` }
          : ({} as Record<string, string>);
        const inBody = authorized.endsWith('body') ? { writeKey: key } : {};
        const single = 'single' in input;
        const { single: _s, ...fields } = input as Record<string, unknown>;
        const text = 'text' in input ? String(input.text) : JSON.stringify({ ...fields, ...inBody });

        // Act
        const response = (await collect(
          apiEvent(single ? `/v1/${type}` : '/v1/batch', text, headers),
          {} as never,
        )) as {
          statusCode: number;
          body: string;
        };

        // Assess
        const answer = JSON.parse(response.body) as {
          error?: { field?: string };
          accepted?: number;
          rejected?: unknown[];
        };
        const envelopes = envelopesOfRecords(await drain());
        const stored = envelopes.filter((e) => e.kind === 'event').length;
        const failed = envelopes.filter((e) => e.kind === 'failed').length;
        const sent = 'batch' in input ? (input.batch as unknown[]).length : 1;
        seen.add(`${response.statusCode}${answer.accepted === undefined ? '' : ' partial'}`);
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode === 200) {
          expect([stored, failed]).toEqual([sent, 0]);
        } else if (response.statusCode === 401) {
          expect(['writeKey', 'authorization']).toContain(answer.error?.field);
          expect(envelopes).toEqual([]);
        } else {
          expect(response.statusCode).toBe(400);
          expect(typeof answer.error?.field).toBe('string');
          if (answer.accepted !== undefined) {
            // Some events of the batch were refused: the others are on the stream, the refused as failures.
            expect(answer.accepted + (answer.rejected?.length ?? 0)).toBe(sent);
            expect([stored, failed]).toEqual([answer.accepted, answer.rejected?.length]);
          } else if (single && !('text' in input)) {
            expect([stored, failed]).toEqual([0, 1]);
          } else {
            expect(stored).toBe(0);
            expect(failed).toBe('text' in input && authorized === 'header' ? 1 : 0);
          }
        }
      }),
      { numRuns: 200 },
    );
    // The runs reached every kind of answer.
    expect([...seen].sort()).toEqual(['200', '400', '400 partial', '401']);
  }, 120_000);

  it('answers any image beacon with the GIF or a 4xx naming a field, and stores each as an event or a failure', async () => {
    const collect = handler();
    const param = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ maxLength: 2200 }), fc.webUrl());
    const query = fc.record(
      {
        site: fc.oneof({ weight: 5, arbitrary: fc.constant(SITE.siteKey) }, fc.string({ maxLength: 80 })),
        t: fc.oneof(fc.constantFrom('page', 'track', 'identify'), fc.string({ maxLength: 10 })),
        n: param,
        id: fc.oneof(fc.uuid(), fc.string({ maxLength: 80 })),
        u: param,
        ts: fc.oneof(fc.integer({ min: -1, max: 2 ** 44 }).map(String), fc.string({ maxLength: 10 })),
        aid: fc.string({ maxLength: 80 }),
        'p.plan': param,
        'p.': param,
      },
      { requiredKeys: [] },
    );
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        // Prepare
        await drain();
        const rawQueryString = new URLSearchParams(q as Record<string, string>).toString();
        const request = { ...apiEvent('/e.gif', ''), rawQueryString, body: undefined };
        request.requestContext.http.method = 'GET';

        // Act
        const response = (await collect(request, {} as never)) as {
          statusCode: number;
          body: string;
          headers: Record<string, string>;
        };

        // Assess
        const envelopes = envelopesOfRecords(await drain());
        seen.add(`${response.statusCode} ${envelopes.map((e) => e.kind).join()}`);
        if (response.statusCode === 200) {
          expect(response.headers['content-type']).toBe('image/gif');
          const rejected = response.headers[PIXEL_REJECTED_HEADER];
          expect(envelopes.map((e) => e.kind)).toEqual([rejected === undefined ? 'event' : 'failed']);
        } else {
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
          expect(response.statusCode).toBeLessThan(500);
          expect(typeof (JSON.parse(response.body) as { error?: { field?: string } }).error?.field).toBe('string');
          // An unknown site key is kept as a failure; a payload naming no site at all is not.
          expect(envelopes.every((e) => e.kind === 'failed' && e.reason === 'unknown_site')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    expect(seen).toEqual(new Set(['200 event', '200 failed', '400 failed', '400 ']));
  }, 120_000);
});
