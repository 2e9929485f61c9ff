import type { KinesisStreamRecord } from 'aws-lambda';
import type { CollectedEventEnvelope, FailedEventEnvelope, StreamEnvelope } from '../collection/collected-event';

export interface DecodedBatch {
  readonly events: CollectedEventEnvelope[];
  readonly failures: FailedEventEnvelope[];
}

/**
 * Reads the stream's envelopes. A record that is not a known envelope version becomes a failure
 * (reason `unknown_version`) rather than being dropped or blocking the shard.
 */
export function decodeEnvelopes(records: readonly KinesisStreamRecord[], now: number): DecodedBatch {
  const events: CollectedEventEnvelope[] = [];
  const failures: FailedEventEnvelope[] = [];
  for (const record of records) {
    const text = Buffer.from(record.kinesis.data, 'base64').toString('utf8');
    let envelope: StreamEnvelope | undefined;
    try {
      envelope = JSON.parse(text) as StreamEnvelope;
    } catch {
      envelope = undefined;
    }
    if (envelope?.v === 1 && envelope.kind === 'event') events.push(envelope);
    else if (envelope?.v === 1 && envelope.kind === 'failed') failures.push(envelope);
    else {
      failures.push({
        kind: 'failed',
        v: 1,
        siteId: record.kinesis.partitionKey.split(':')[0] ?? '',
        organizationId: '',
        source: 'server',
        receivedAt: Math.round(record.kinesis.approximateArrivalTimestamp * 1000) || now,
        reason: 'unknown_version',
        message: `stream record ${record.kinesis.sequenceNumber} is not a known envelope`,
        payload: text.slice(0, 32 * 1024),
      });
    }
  }
  return { events, failures };
}

/** A lake row for a failure record. */
export function failureRow(failure: FailedEventEnvelope, failureId: string): Record<string, unknown> {
  return {
    failure_id: failureId,
    site_id: failure.siteId,
    received_at: new Date(failure.receivedAt),
    source: failure.source,
    reason: failure.reason,
    field: failure.field ?? null,
    message: failure.message,
    payload: failure.payload,
    context: failure.context ? JSON.stringify(failure.context) : null,
    dt: new Date(failure.receivedAt).toISOString().slice(0, 10),
  };
}
