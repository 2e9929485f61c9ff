import { z } from 'zod';
import type { EventStream, StreamRecordInput } from '../ports/event-stream';
import type { Queue } from '../ports/queue';
import type { LocalDependencies } from './local-dependencies';

/** What `npm start` parks when it gives up: as SQS dead-letter queues and a Lambda on-failure destination do. */
export interface DeadLetterQueues {
  /** The identity queue, and its dead letters: observations that failed resolution 5 times. */
  readonly identityQueue: Queue;
  readonly identityDeadLetters: Queue;
  /** Stream batches enrichment failed after its retries, each with its records. */
  readonly enrichDeadLetters: Queue;
  /** Where an enrichment batch's records go back to. */
  readonly events: EventStream;
}

/** The queues of the local dependencies (`createLocalDependencies`). */
export function localQueues(deps: LocalDependencies): DeadLetterQueues {
  return {
    identityQueue: deps.identityQueue,
    identityDeadLetters: deps.deadLetters.identity,
    enrichDeadLetters: deps.deadLetters.enrich,
    events: deps.events,
  };
}

export type DeadLetterQueueName = 'identity' | 'enrich';

export interface QueueDepths {
  readonly identity: { readonly waiting: number; readonly deadLetters: number };
  readonly enrich: { readonly deadLetters: number };
}

/** How many messages wait in the identity queue and in each dead-letter queue. */
export async function queueDepths(queues: DeadLetterQueues): Promise<QueueDepths> {
  return {
    identity: { waiting: await queues.identityQueue.depth(), deadLetters: await queues.identityDeadLetters.depth() },
    enrich: { deadLetters: await queues.enrichDeadLetters.depth() },
  };
}

/** A dead enrichment batch as `stream-poller.ts` parks it: its coordinates and its records. */
const enrichDeadLetter = z.object({
  records: z.array(z.object({ partitionKey: z.string().min(1).max(256), data: z.base64() })).max(10_000),
});

/**
 * Moves dead letters back to where they came from, as SQS's redrive does: identity observations to
 * the identity queue, enrichment batches' records to the event stream. Each message is delivered
 * before it leaves the dead-letter queue, so a crash leaves a duplicate (which resolution and
 * enrichment take as a redelivery), never a loss. A dead letter that cannot be read stays where it is.
 *
 * @example
 * await redriveDeadLetters(queues, 'identity'); // { moved: 3, unreadable: 0 }
 */
export async function redriveDeadLetters(
  queues: DeadLetterQueues,
  name: DeadLetterQueueName,
  limit = 10_000,
): Promise<{ moved: number; unreadable: number }> {
  const source = name === 'identity' ? queues.identityDeadLetters : queues.enrichDeadLetters;
  let moved = 0;
  let unreadable = 0;
  const seen = new Set<string>();
  while (moved + unreadable < limit) {
    const batch = await source.receive({ maxMessages: Math.min(10, limit - moved - unreadable), waitTimeMs: 0 });
    const fresh = batch.filter((m) => !seen.has(m.messageId));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      seen.add(message.messageId);
      if (name === 'identity') {
        await queues.identityQueue.send([{ body: message.body }]);
      } else {
        const records = enrichRecords(message.body);
        if (!records) {
          unreadable++;
          continue;
        }
        await queues.events.put(records);
      }
      await source.delete(message.receiptHandle);
      moved++;
    }
  }
  return { moved, unreadable };
}

function enrichRecords(body: string): StreamRecordInput[] | undefined {
  try {
    const parsed = enrichDeadLetter.safeParse(JSON.parse(body));
    if (!parsed.success) return undefined;
    return parsed.data.records.map((r) => ({ partitionKey: r.partitionKey, data: Buffer.from(r.data, 'base64') }));
  } catch {
    return undefined;
  }
}
