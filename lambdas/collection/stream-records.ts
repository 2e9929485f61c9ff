import type { StreamRecordInput } from '../ports/event-stream';
import type { StreamEnvelope } from './collected-event';

/**
 * Largest record the collector writes. Kinesis takes up to 1 MiB per record (data and partition
 * key); a request's envelopes are split into records of at most this much, leaving room.
 */
export const MAX_RECORD_BYTES = 512 * 1024;

/**
 * The stream records for one request's envelopes: one record per partition key (visitor), holding a
 * JSON array of that visitor's envelopes in arrival order, so a visitor's events stay in order on
 * one shard as when each envelope was its own record. A group larger than `maxBytes` is split.
 * One record per request, not per event, is what lets the collector keep up with bursts: one
 * partition-key hash, one stream entry and one decode per request.
 *
 * Consumers read both forms: a record holds one envelope (written before, or by other producers)
 * or an array of them (`envelopesOf`).
 *
 * @example
 * await events.put(envelopeRecords(envelopes));
 */
export function envelopeRecords(
  envelopes: readonly StreamEnvelope[],
  maxBytes = MAX_RECORD_BYTES,
): StreamRecordInput[] {
  const groups = new Map<string, string[]>();
  for (const envelope of envelopes) {
    const key = partitionKeyOf(envelope);
    const group = groups.get(key);
    const json = JSON.stringify(envelope);
    if (group) group.push(json);
    else groups.set(key, [json]);
  }
  const records: StreamRecordInput[] = [];
  for (const [partitionKey, jsons] of groups) {
    let chunk: string[] = [];
    let bytes = 2;
    const flush = () => {
      if (chunk.length === 0) return;
      records.push({ partitionKey, data: Buffer.from(`[${chunk.join(',')}]`, 'utf8') });
      chunk = [];
      bytes = 2;
    };
    for (const json of jsons) {
      const size = Buffer.byteLength(json, 'utf8');
      if (chunk.length > 0 && bytes + size + 1 > maxBytes) flush();
      chunk.push(json);
      bytes += size + 1;
    }
    flush();
  }
  return records;
}

/** The partition key of an envelope: its site and visitor, so one visitor's events keep their order. */
export function partitionKeyOf(envelope: StreamEnvelope): string {
  const visitor =
    envelope.kind === 'event'
      ? (envelope.event.anonymousId ?? envelope.event.userId ?? envelope.event.eventId)
      : envelope.kind;
  return `${envelope.siteId}:${visitor}`.slice(0, 256);
}

/**
 * The values a stream record holds: the elements of an array record, or the one value of a
 * single-envelope record. Throws when the data is not JSON.
 */
export function envelopesOf(data: string): unknown[] {
  const value: unknown = JSON.parse(data);
  return Array.isArray(value) ? value : [value];
}
