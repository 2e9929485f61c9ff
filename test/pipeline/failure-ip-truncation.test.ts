import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, KinesisStreamEvent } from 'aws-lambda';
import { createLocalKeyValue, type LocalKeyValue } from '../../lambdas/adapters/local/local-key-value';
import { createPGliteSql } from '../../lambdas/adapters/sql/create-sql';
import { parseTrustedProxies } from '../../lambdas/collection/client-context';
import type { CollectedEventEnvelope, FailedEventEnvelope } from '../../lambdas/collection/collected-event';
import { createCollector } from '../../lambdas/collection/collector';
import type { SiteRecord, SiteRegistry } from '../../lambdas/collection/site-registry';
import { envelopeRecords, envelopesOf } from '../../lambdas/collection/stream-records';
import { migrateToLatest } from '../../lambdas/db/migrate';
import { createEnricher } from '../../lambdas/enrichment/enrich-event';
import { type GeoIp, openGeoIp } from '../../lambdas/enrichment/geoip';
import { makeEnrichHandler } from '../../lambdas/handlers/enrich';
import { decodeEnvelopes } from '../../lambdas/pipeline/decode-envelopes';
import { replayFailedEvents } from '../../lambdas/pipeline/failed-events';
import type { Analytics } from '../../lambdas/ports/analytics';
import type { EventStream, StreamRecordInput } from '../../lambdas/ports/event-stream';
import type { LakeRow, LakeSink } from '../../lambdas/ports/lake-sink';
import type { Sql } from '../../lambdas/ports/sql';
import { kinesisRecord } from '../support/stream-envelopes';
import { makeTempDir } from '../support/temp-dir';

const VISITOR_IP = '81.2.69.142';
const PROXY_IPV6 = '2001:db8:85a3:8d3:1319:8a2e:370:7348';

const site = (settings: SiteRecord['settings'] = {}): SiteRecord => ({
  id: randomUUID(),
  organizationId: randomUUID(),
  domain: 'shop.example',
  siteKey: `pk_${randomUUID()}`,
  allowedOrigins: [],
  settings,
});

const registry = (known: SiteRecord[]): SiteRegistry => ({
  bySiteKey: async (key) => known.find((s) => s.siteKey === key),
  byWriteKey: async () => undefined,
  byId: async (id) => known.find((s) => s.id === id),
});

const capturing = (into: StreamRecordInput[]): EventStream => ({
  put: async (records) => {
    into.push(...records);
  },
  consumer: () => {
    throw new Error('not consumed in this test');
  },
});

const collectorFor = (sites: SiteRegistry, stream: EventStream) =>
  createCollector({
    sites,
    events: stream,
    trustedProxies: parseTrustedProxies('127.0.0.1'),
    now: () => 1_700_000_000_000,
    newId: randomUUID,
  });

const request = (ip: string) =>
  ({
    version: '2.0',
    routeKey: 'POST /v1/track',
    rawPath: '/v1/track',
    rawQueryString: '',
    headers: { 'user-agent': 'analytics-node/1.0', 'x-forwarded-for': ip },
    requestContext: { http: { method: 'POST', path: '/v1/track', sourceIp: '127.0.0.1' } },
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

/** A Segment track call as the collector puts it on the stream: the server's and the client's IP. */
const segmentEnvelope = (owner: SiteRecord): CollectedEventEnvelope => ({
  kind: 'event',
  v: 1,
  siteId: owner.id,
  organizationId: owner.organizationId,
  source: 'segment',
  server: { receivedAt: 1_700_000_000_000, ip: PROXY_IPV6, userAgent: 'analytics-node/1.0' },
  event: {
    eventId: randomUUID(),
    type: 'track',
    name: 'Order Completed',
    anonymousId: 'anon-1',
    clientIp: VISITOR_IP,
    clientUserAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
  },
});

const failuresOn = (records: readonly StreamRecordInput[]): FailedEventEnvelope[] =>
  records
    .flatMap((r) => envelopesOf(Buffer.from(r.data).toString()))
    .filter((e): e is FailedEventEnvelope => (e as { kind?: string }).kind === 'failed');

describe('failures store IPs truncated', () => {
  it("stores a rejected Segment message with its context.ip truncated by the site's setting", async () => {
    // Prepare: a site keeping 16 bits of IPv4; a track call without its event name.
    const owner = site({ ipv4PrefixBits: 16 });
    const stream: StreamRecordInput[] = [];
    const collector = collectorFor(registry([owner]), capturing(stream));

    // Act
    await expect(
      collector.collectSegmentForSite(owner, request(VISITOR_IP), 'track', {
        anonymousId: 'anon-1',
        context: { ip: VISITOR_IP, library: { name: 'analytics-node' } },
      }),
    ).rejects.toThrow('track needs event');

    // Assess
    const [failure] = failuresOn(stream);
    expect(failure?.reason).toBe('schema_violation');
    expect(JSON.parse(failure?.payload ?? '{}').context).toEqual({
      ip: '81.2.0.0',
      library: { name: 'analytics-node' },
    });
    expect(failure?.context?.ip).toBe('81.2.0.0');
    expect(JSON.stringify(failure)).not.toContain(VISITOR_IP);
  });

  it('stores an unreadable stream record with the IPs inside it truncated by default', () => {
    // Prepare: an envelope of a version this reader does not know.
    const text = JSON.stringify({ kind: 'event', v: 2, server: { ip: VISITOR_IP }, event: { clientIp: PROXY_IPV6 } });

    // Act
    const { failures } = decodeEnvelopes([kinesisRecord(text)], 1_700_000_000_000);

    // Assess
    expect(failures[0]?.reason).toBe('unknown_version');
    expect(JSON.parse(failures[0]?.payload ?? '{}')).toEqual({
      kind: 'event',
      v: 2,
      server: { ip: '81.2.69.0' },
      event: { clientIp: '2001:db8:85a3::' },
    });
  });
});

describe('an event enrichment refused', () => {
  let sql: Sql;
  let keyValue: LocalKeyValue;
  let temp: ReturnType<typeof makeTempDir>;
  let geo: GeoIp;
  beforeAll(async () => {
    sql = await createPGliteSql();
    await migrateToLatest(sql);
    geo = await openGeoIp();
  });
  afterAll(async () => {
    await sql.close();
  });
  beforeEach(() => {
    temp = makeTempDir('sightline-failure-ip-');
    keyValue = createLocalKeyValue({ path: join(temp.dir, 'kv.log') });
  });
  afterEach(async () => {
    await keyValue.close();
    temp.cleanup();
  });

  const handlerOver = (sites: SiteRegistry, lake: Map<string, LakeRow[]>) => {
    const lakeSink: LakeSink = {
      async write(table, rows) {
        lake.set(table.name, [...(lake.get(table.name) ?? []), ...rows]);
      },
    };
    return makeEnrichHandler({ lakeSink, sites, keyValue, sql, enricher: createEnricher({ geo }) });
  };
  const batchOf = (records: readonly StreamRecordInput[], firstSequence: number): KinesisStreamEvent => ({
    Records: records.map((r, i) => kinesisRecord(r.data, String(firstSequence + i), r.partitionKey)),
  });

  it('is stored with its server and client IPs truncated by default while its site is unknown', async () => {
    // Prepare: the site is not (yet) known to enrichment.
    const owner = site();
    const lake = new Map<string, LakeRow[]>();

    // Act
    await handlerOver(registry([]), lake)(batchOf(envelopeRecords([segmentEnvelope(owner)]), 1), {} as never);

    // Assess
    const [row] = lake.get('failed_events') ?? [];
    expect(row?.reason).toBe('unknown_site');
    const stored = JSON.parse(String(row?.payload));
    expect(stored.server.ip).toBe('2001:db8:85a3::');
    expect(stored.event.clientIp).toBe('81.2.69.0');
    expect(String(row?.payload)).not.toContain(VISITOR_IP);
  });

  it('is replayed once its site exists, and enriched with the truncated IP', async () => {
    // Prepare: a refused event filed as a failure; then its site appears.
    const owner = site();
    const lake = new Map<string, LakeRow[]>();
    const envelope = segmentEnvelope(owner);
    await handlerOver(registry([]), lake)(batchOf(envelopeRecords([envelope]), 1), {} as never);
    const [failure] = lake.get('failed_events') ?? [];
    const known = registry([owner]);
    const replayed: StreamRecordInput[] = [];
    const analytics = { query: async () => ({ columns: [], rows: [failure] }), close: async () => {} } as Analytics;

    // Act: replay it, then enrich what the replay put on the stream.
    const outcomes = await replayFailedEvents({
      analytics,
      makeCollector: (stream) => collectorFor(known, stream),
      sites: known,
      events: capturing(replayed),
      keyValue,
    });
    await handlerOver(known, lake)(batchOf(replayed, 10), {} as never);

    // Assess: one row, the IP truncated, still located from the truncated address.
    expect(outcomes.map((o) => o.status)).toEqual(['replayed']);
    const rows = (lake.get('events') ?? []).filter((r) => r.event_id === envelope.event.eventId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ip: '81.2.69.0', country: geo.lookup('81.2.69.0').country, browser: 'Firefox' });
    expect(rows[0]?.country).not.toBeNull();
  });
});
