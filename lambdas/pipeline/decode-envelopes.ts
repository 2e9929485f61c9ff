import type { KinesisStreamRecord } from 'aws-lambda';
import type { CollectedEventEnvelope, FailedEventEnvelope, StreamEnvelope } from '../collection/collected-event';
import { envelopesOf } from '../collection/stream-records';
import { storedFailureText } from '../enrichment/failure-payload';

export interface DecodedBatch {
  readonly events: CollectedEventEnvelope[];
  /** For each of `events`, the stream record that carried it (`<shard>:<sequence number>`). */
  readonly recordIds: string[];
  readonly failures: FailedEventEnvelope[];
}

/**
 * Reads the stream's envelopes: a record holds one envelope or an array of them (one request's
 * events for one visitor, see `envelopeRecords`). A record that is not JSON, or a value that is not a
 * known envelope version, becomes a failure (reason `unknown_version`) rather than being dropped
 * or blocking the shard.
 */
export function decodeEnvelopes(records: readonly KinesisStreamRecord[], now: number): DecodedBatch {
  const events: CollectedEventEnvelope[] = [];
  const recordIds: string[] = [];
  const failures: FailedEventEnvelope[] = [];
  for (const record of records) {
    const recordId = `${(record.eventID ?? '').split(':')[0]}:${record.kinesis.sequenceNumber}`;
    const text = Buffer.from(record.kinesis.data, 'base64').toString('utf8');
    let values: unknown[];
    try {
      values = envelopesOf(text);
      if (values.length === 0) throw new Error('an empty record');
    } catch {
      failures.push(unknownVersion(record, text, now));
      continue;
    }
    for (const value of values) {
      const envelope = value as StreamEnvelope | null;
      if (envelope?.v === 1 && envelope.kind === 'event') {
        events.push(envelope);
        recordIds.push(recordId);
      } else if (envelope?.v === 1 && envelope.kind === 'failed') failures.push(envelope);
      else failures.push(unknownVersion(record, values.length === 1 ? text : JSON.stringify(value ?? null), now));
    }
  }
  return { events, recordIds, failures };
}

function unknownVersion(record: KinesisStreamRecord, payload: string, now: number): FailedEventEnvelope {
  return {
    kind: 'failed',
    v: 1,
    siteId: record.kinesis.partitionKey.split(':')[0] ?? '',
    organizationId: '',
    source: 'server',
    receivedAt: Math.round(record.kinesis.approximateArrivalTimestamp * 1000) || now,
    reason: 'unknown_version',
    message: `stream record ${record.kinesis.sequenceNumber} is not a known envelope`,
    payload: storedFailureText(payload),
  };
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
