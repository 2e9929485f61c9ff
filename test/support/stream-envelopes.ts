import type { KinesisStreamRecord } from 'aws-lambda';
import type { CollectedEventEnvelope } from '../../lambdas/collection/collected-event';

/** A tracker page-view envelope as the collector puts it on the stream. */
export function pageEnvelope(
  eventId: string,
  options: { siteId?: string; organizationId?: string; anonymousId?: string } = {},
): CollectedEventEnvelope {
  return {
    kind: 'event',
    v: 1,
    siteId: options.siteId ?? 'site-1',
    organizationId: options.organizationId ?? 'org-1',
    source: 'tracker',
    server: { receivedAt: 1_700_000_000_000 },
    event: {
      eventId,
      type: 'page',
      timestamp: 1_700_000_000_000,
      anonymousId: options.anonymousId ?? 'v1',
      url: 'http://localhost/',
      screen: {},
      viewport: {},
      cookieless: false,
    },
  } as unknown as CollectedEventEnvelope;
}

/** A record as Lambda's Kinesis event source hands it to the enrich function. */
export function kinesisRecord(
  data: string | Uint8Array,
  sequenceNumber = '1',
  partitionKey = 'site-1:v1',
): KinesisStreamRecord {
  return {
    awsRegion: 'eu-west-1',
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    eventSource: 'aws:kinesis',
    eventSourceARN: 'arn:aws:kinesis:eu-west-1:000000000000:stream/events',
    eventVersion: '1.0',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/enrich',
    kinesis: {
      approximateArrivalTimestamp: 1_700_000_000,
      data: Buffer.from(data).toString('base64'),
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
    },
  };
}
