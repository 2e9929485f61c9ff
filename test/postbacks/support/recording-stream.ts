import type { StreamEnvelope } from '../../../lambdas/collection/collected-event';
import type { EventStream, StreamRecordInput } from '../../../lambdas/ports/event-stream';

/** An `EventStream` that keeps what was put, decoded; `failNext` makes the next put reject. */
export function recordingStream(): EventStream & {
  readonly envelopes: StreamEnvelope[];
  failNext(): void;
} {
  const envelopes: StreamEnvelope[] = [];
  let fail = false;
  return {
    envelopes,
    failNext() {
      fail = true;
    },
    async put(records: readonly StreamRecordInput[]) {
      if (fail) {
        fail = false;
        throw new Error('stream unavailable');
      }
      for (const record of records) envelopes.push(JSON.parse(Buffer.from(record.data).toString('utf8')));
    },
    consumer() {
      throw new Error('not used in these tests');
    },
  };
}
