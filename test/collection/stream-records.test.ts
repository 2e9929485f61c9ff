import type { CollectedEventEnvelope, FailedEventEnvelope } from '../../lambdas/collection/collected-event';
import { envelopeRecords, envelopesOf } from '../../lambdas/collection/stream-records';

const event = (id: string, visitor: string, url = 'http://localhost/'): CollectedEventEnvelope => ({
  kind: 'event',
  v: 1,
  siteId: 'site-1',
  organizationId: 'org-1',
  source: 'tracker',
  server: { receivedAt: 1_700_000_000_000 },
  event: {
    eventId: id,
    type: 'page',
    timestamp: 1_700_000_000_000,
    anonymousId: visitor,
    url,
    screen: {},
    viewport: {},
    cookieless: false,
  },
});

const failure: FailedEventEnvelope = {
  kind: 'failed',
  v: 1,
  siteId: 'site-1',
  organizationId: 'org-1',
  source: 'tracker',
  receivedAt: 1_700_000_000_000,
  reason: 'schema_violation',
  field: 'events[1].url',
  message: 'Required',
  payload: '{}',
};

const decoded = (data: Uint8Array) => envelopesOf(Buffer.from(data).toString('utf8'));

describe('stream records of a request', () => {
  it('puts one visitor’s envelopes into one record, in order', () => {
    // Act
    const records = envelopeRecords([event('a', 'v1'), event('b', 'v1'), event('c', 'v1')]);

    // Assess
    expect(records).toHaveLength(1);
    expect(records[0]?.partitionKey).toBe('site-1:v1');
    expect(decoded(records[0]?.data as Uint8Array)).toEqual([event('a', 'v1'), event('b', 'v1'), event('c', 'v1')]);
  });

  it('keeps one record per visitor and one for failures, so each visitor stays on its own shard', () => {
    // Act
    const records = envelopeRecords([event('a', 'v1'), event('b', 'v2'), failure, event('c', 'v1')]);

    // Assess
    expect(records.map((r) => [r.partitionKey, decoded(r.data).length])).toEqual([
      ['site-1:v1', 2],
      ['site-1:v2', 1],
      ['site-1:failed', 1],
    ]);
  });

  it('splits a visitor’s envelopes over several records when they exceed the record size', () => {
    // Prepare: ten envelopes of about 1 KB each, records of at most 3 KB.
    const envelopes = Array.from({ length: 10 }, (_, i) => event(`e${i}`, 'v1', `http://localhost/${'x'.repeat(800)}`));

    // Act
    const records = envelopeRecords(envelopes, 3_000);

    // Assess
    expect(records.length).toBeGreaterThan(3);
    for (const record of records) expect(record.data.byteLength).toBeLessThanOrEqual(3_000);
    expect(records.flatMap((r) => decoded(r.data))).toEqual(envelopes);
  });

  it('reads a record holding a single envelope as well as an array', () => {
    // Act
    const single = envelopesOf(JSON.stringify(failure));
    const array = envelopesOf(JSON.stringify([failure, failure]));

    // Assess
    expect(single).toEqual([failure]);
    expect(array).toEqual([failure, failure]);
  });
});
