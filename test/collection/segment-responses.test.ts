import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { FailedEventEnvelope, StreamEnvelope } from '../../lambdas/collection/collected-event';
import { envelopesOf } from '../../lambdas/collection/stream-records';
import { makeCollectHandler } from '../../lambdas/handlers/collect';
import type { EventStream, StreamRecordInput } from '../../lambdas/ports/event-stream';
import { fixedSiteRegistry } from '../support/fixed-site';

/** Segment's HTTP API status codes, and where ours deliberately differ (every rejection a 400 naming its field). */
describe('Segment-compatible responses', () => {
  let stored: StreamRecordInput[];
  const events: EventStream = {
    put: async (records) => {
      stored.push(...records);
    },
    consumer: () => {
      throw new Error('not read here');
    },
  };
  const collect = makeCollectHandler({ sites: fixedSiteRegistry, events, trustedProxies: '' });
  const basic = `Basic ${Buffer.from('sk_fuzz:').toString('base64')}`;

  const post = async (path: string, body: string, headers: Record<string, string> = {}) => {
    const event = {
      version: '2.0',
      rawPath: path,
      rawQueryString: '',
      headers: { 'content-type': 'application/json', ...headers },
      requestContext: { http: { method: 'POST', path, sourceIp: '192.0.2.1' } },
      body,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const response = (await collect(event, {} as never)) as { statusCode: number; body: string };
    return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
  };
  const envelopes = () => stored.flatMap((r) => envelopesOf(Buffer.from(r.data).toString()) as StreamEnvelope[]);
  const failures = () => envelopes().filter((e): e is FailedEventEnvelope => e.kind === 'failed');
  const track = (extra: Record<string, unknown> = {}) => ({
    type: 'track',
    messageId: randomUUID(),
    userId: 'u',
    event: 'Clicked',
    ...extra,
  });

  beforeEach(() => {
    stored = [];
  });

  it('answers a valid batch with 200 and success', async () => {
    const response = await post('/v1/batch', JSON.stringify({ writeKey: 'sk_fuzz', batch: [track(), track()] }));

    expect(response).toEqual({ status: 200, body: { success: true } });
    expect(envelopes().map((e) => e.kind)).toEqual(['event', 'event']);
  });

  it('refuses a body over 500 KB with a 400 naming body, as Segment does, and records it as a size violation', async () => {
    const batch = Array.from({ length: 30 }, () => track({ properties: { b: 'y'.repeat(20_000) } }));

    const response = await post('/v1/batch', JSON.stringify({ batch }), { authorization: basic });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { field: 'body' } });
    expect(failures()).toEqual([expect.objectContaining({ reason: 'size_violation', field: 'body' })]);
    expect(envelopes().filter((e) => e.kind === 'event')).toEqual([]);
  });

  it('refuses a body too large to read at all with a 400 naming body', async () => {
    const response = await post('/v1/batch', 'x'.repeat(1024 * 1024 + 1), { authorization: basic });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { field: 'body' } });
  });

  it('refuses a body that is not JSON with a 400 naming body, and records it as invalid JSON', async () => {
    const response = await post('/v1/track', '{"userId": "u", "event": ', { authorization: basic });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { field: 'body' } });
    expect(failures()).toEqual([expect.objectContaining({ reason: 'invalid_json', field: 'body' })]);
  });

  it('answers a batch holding an event over 32 KB with a 400 naming it, keeping the batch’s other events', async () => {
    const small = track();
    const huge = track({ properties: { blob: 'x'.repeat(33 * 1024) } });

    const response = await post('/v1/batch', JSON.stringify({ writeKey: 'sk_fuzz', batch: [small, huge] }));

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: { field: 'batch[1]' },
      accepted: 1,
      rejected: [{ index: 1, field: 'batch[1]', message: 'event exceeds 32 KB' }],
    });
    const kept = envelopes().flatMap((e) => (e.kind === 'event' ? [e.event.eventId] : []));
    expect(kept).toEqual([small.messageId]);
    expect(failures()).toEqual([expect.objectContaining({ reason: 'size_violation', field: 'batch[1]' })]);
  });

  it('answers a batch holding an invalid event with a 400 naming its field, keeping the valid ones', async () => {
    const response = await post(
      '/v1/batch',
      JSON.stringify({ writeKey: 'sk_fuzz', batch: [track(), track({ event: undefined })] }),
    );

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { field: 'batch[1].event' }, accepted: 1 });
    expect(envelopes().map((e) => e.kind)).toEqual(['event', 'failed']);
    expect(failures()[0]).toMatchObject({ reason: 'schema_violation', field: 'batch[1].event' });
  });

  it('refuses a batch of more than 2,500 events with a 400 naming batch, storing none', async () => {
    const batch = Array.from({ length: 2_501 }, () => ({ type: 'track', userId: 'u', event: 'x' }));

    const response = await post('/v1/batch', JSON.stringify({ writeKey: 'sk_fuzz', batch }));

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { field: 'batch' } });
    expect(stored).toEqual([]);
  });

  it('takes a batch of exactly 2,500 events', async () => {
    const batch = Array.from({ length: 2_500 }, () => ({ type: 'track', userId: 'u', event: 'x' }));

    const response = await post('/v1/batch', JSON.stringify({ writeKey: 'sk_fuzz', batch }));

    expect(response.status).toBe(200);
    expect(envelopes()).toHaveLength(2_500);
  });

  it('refuses a call without a write key with a 401 naming writeKey', async () => {
    const response = await post('/v1/track', JSON.stringify(track()));

    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: { code: 'unauthorized', field: 'writeKey' } });
  });

  it('refuses a wrong write key with a 401 naming where it was given', async () => {
    const wrongHeader = await post('/v1/track', JSON.stringify(track()), {
      authorization: `Basic ${Buffer.from('sk_wrong:').toString('base64')}`,
    });
    const wrongBody = await post('/v1/track', JSON.stringify({ ...track(), writeKey: 'sk_wrong' }));

    expect(wrongHeader).toMatchObject({ status: 401, body: { error: { field: 'authorization' } } });
    expect(wrongBody).toMatchObject({ status: 401, body: { error: { field: 'writeKey' } } });
    expect(stored).toEqual([]);
  });
});
