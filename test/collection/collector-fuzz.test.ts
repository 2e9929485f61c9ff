import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { createLocalEventStream, type LocalEventStream } from '../../lambdas/adapters/local/local-event-stream';
import { envelopesOf } from '../../lambdas/collection/stream-records';
import { makeCollectHandler } from '../../lambdas/handlers/collect';
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

  it('answers any Segment batch with 200, 4xx naming a field, or 401, never 5xx', async () => {
    const collect = handler();
    const message = fc.record(
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
    await fc.assert(
      fc.asyncProperty(fc.array(message, { maxLength: 20 }), fc.boolean(), async (batch, authorized) => {
        const response = (await collect(
          apiEvent('/v1/batch', JSON.stringify({ batch, ...(authorized ? { writeKey: 'sk_fuzz' } : {}) })),
          {} as never,
        )) as { statusCode: number; body: string };
        if (!authorized) expect(response.statusCode).toBe(401);
        else if (response.statusCode !== 200) {
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
          expect(response.statusCode).toBeLessThan(500);
          expect(typeof (JSON.parse(response.body) as { error?: { field?: string } }).error?.field).toBe('string');
        }
      }),
      { numRuns: 200 },
    );
  }, 120_000);
});
