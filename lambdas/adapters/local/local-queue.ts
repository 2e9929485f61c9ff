import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ValidationError } from '../../core/errors';
import type { Queue, QueueMessageInput, ReceivedMessage, ReceiveOptions } from '../../ports/queue';
import { type AppendLog, openAppendLog, readLogLines } from './append-log';
import { writeFileAtomic } from './atomic-file';

/**
 * A durable local stand-in for an SQS standard queue. Every operation is journaled (fsynced)
 * before it is acknowledged; the journal is replayed on open and compacted as it grows.
 * A message received `maxReceiveCount` times without being deleted moves to the dead-letter
 * queue on its next receive, as SQS redrive does.
 *
 * @example
 * const dlq = createLocalQueue({ name: 'identity-dlq', path: '.sightline/queues/identity-dlq.log' });
 * const queue = createLocalQueue({ name: 'identity', path: '.sightline/queues/identity.log', deadLetter: { queue: dlq, maxReceiveCount: 5 } });
 */
export interface LocalQueueOptions {
  readonly name: string;
  readonly path: string;
  /** @default 30 */
  readonly visibilityTimeoutSeconds?: number;
  readonly deadLetter?: { readonly queue: Queue; readonly maxReceiveCount: number };
  /** Largest message body (SQS: 256 KiB). @default 262144 */
  readonly maxBodyBytes?: number;
  readonly now?: () => number;
}

export interface LocalQueue extends Queue {
  close(): Promise<void>;
}

interface StoredMessage {
  id: string;
  body: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  receipt?: string;
}

type JournalEntry =
  | { op: 'send'; id: string; body: string; sentAt: number; visibleAt: number }
  | { op: 'receive'; id: string; receipt: string; visibleAt: number }
  | { op: 'visibility'; id: string; visibleAt: number }
  | { op: 'delete'; id: string };

export function createLocalQueue(options: LocalQueueOptions): LocalQueue {
  const now = options.now ?? Date.now;
  const defaultVisibility = options.visibilityTimeoutSeconds ?? 30;
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  mkdirSync(dirname(options.path), { recursive: true });
  const messages = replay(readLogLines(options.path));
  let journal: AppendLog = openAppendLog(options.path);
  let journalEntries = messages.size;
  let compacting: Promise<void> | undefined;
  const waiters = new Set<() => void>();

  const write = async (entries: JournalEntry[]): Promise<void> => {
    await compacting;
    await journal.append(entries.map((e) => JSON.stringify(e)));
    journalEntries += entries.length;
    if (journalEntries > 1000 && journalEntries > messages.size * 4) compacting ??= compact();
  };

  /** Rewrites the journal as one `send` + `receive` per live message. */
  const compact = async (): Promise<void> => {
    await journal.close();
    const lines: string[] = [];
    for (const m of messages.values()) {
      lines.push(JSON.stringify({ op: 'send', id: m.id, body: m.body, sentAt: m.sentAt, visibleAt: m.visibleAt }));
      for (let i = 0; i < m.receiveCount; i++) {
        lines.push(JSON.stringify({ op: 'receive', id: m.id, receipt: m.receipt ?? '', visibleAt: m.visibleAt }));
      }
    }
    writeFileAtomic(options.path, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    journal = openAppendLog(options.path);
    journalEntries = lines.length;
    compacting = undefined;
  };

  const findByReceipt = (receiptHandle: string): StoredMessage | undefined => {
    const id = receiptHandle.split(':')[0] ?? '';
    const message = messages.get(id);
    return message?.receipt === receiptHandle ? message : undefined;
  };

  const takeVisible = async (max: number, visibilitySeconds: number): Promise<ReceivedMessage[]> => {
    const t = now();
    const out: ReceivedMessage[] = [];
    const entries: JournalEntry[] = [];
    const toDeadLetter: StoredMessage[] = [];
    for (const m of messages.values()) {
      if (out.length >= max) break;
      if (m.visibleAt > t) continue;
      if (options.deadLetter && m.receiveCount >= options.deadLetter.maxReceiveCount) {
        toDeadLetter.push(m);
        continue;
      }
      m.receiveCount += 1;
      m.receipt = `${m.id}:${m.receiveCount}:${randomUUID()}`;
      m.visibleAt = t + visibilitySeconds * 1000;
      entries.push({ op: 'receive', id: m.id, receipt: m.receipt, visibleAt: m.visibleAt });
      out.push({
        messageId: m.id,
        body: m.body,
        receiptHandle: m.receipt,
        receiveCount: m.receiveCount,
        sentAt: m.sentAt,
      });
    }
    if (toDeadLetter.length > 0 && options.deadLetter) {
      // Enqueue on the DLQ first: a crash in between leaves a duplicate, never a loss.
      await options.deadLetter.queue.send(toDeadLetter.map((m) => ({ body: m.body })));
      for (const m of toDeadLetter) {
        messages.delete(m.id);
        entries.push({ op: 'delete', id: m.id });
      }
    }
    await write(entries);
    return out;
  };

  const queue: LocalQueue = {
    name: options.name,
    async send(inputs: readonly QueueMessageInput[]) {
      inputs.forEach((input, index) => {
        if (Buffer.byteLength(input.body, 'utf8') > maxBodyBytes) {
          throw new ValidationError(`message exceeds ${maxBodyBytes} bytes`, `messages[${index}].body`);
        }
        const delay = input.delaySeconds ?? 0;
        if (!Number.isInteger(delay) || delay < 0 || delay > 900) {
          throw new ValidationError('delaySeconds must be an integer 0–900', `messages[${index}].delaySeconds`);
        }
      });
      const t = now();
      const entries = inputs.map(
        (input): JournalEntry => ({
          op: 'send',
          id: randomUUID(),
          body: input.body,
          sentAt: t,
          visibleAt: t + (input.delaySeconds ?? 0) * 1000,
        }),
      );
      await write(entries);
      for (const e of entries) {
        if (e.op === 'send') {
          messages.set(e.id, { id: e.id, body: e.body, sentAt: e.sentAt, visibleAt: e.visibleAt, receiveCount: 0 });
        }
      }
      for (const wake of waiters) wake();
    },
    async receive(receiveOptions: ReceiveOptions) {
      const max = receiveOptions.maxMessages;
      if (!Number.isInteger(max) || max < 1 || max > 10_000) {
        throw new ValidationError('maxMessages must be an integer 1–10000', 'maxMessages');
      }
      const visibility = receiveOptions.visibilityTimeoutSeconds ?? defaultVisibility;
      const first = await takeVisible(max, visibility);
      const wait = receiveOptions.waitTimeMs ?? 0;
      if (first.length > 0 || wait <= 0) return first;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, wait);
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        waiters.add(done);
      });
      return takeVisible(max, visibility);
    },
    async delete(receiptHandle) {
      const message = findByReceipt(receiptHandle);
      if (!message) return; // SQS ignores stale handles of already deleted messages
      messages.delete(message.id);
      await write([{ op: 'delete', id: message.id }]);
    },
    async changeVisibility(receiptHandle, seconds) {
      const message = findByReceipt(receiptHandle);
      if (!message) throw new ValidationError('receipt handle is not current', 'receiptHandle');
      message.visibleAt = now() + seconds * 1000;
      await write([{ op: 'visibility', id: message.id, visibleAt: message.visibleAt }]);
      if (seconds === 0) for (const wake of waiters) wake();
    },
    async depth() {
      return messages.size;
    },
    async close() {
      for (const wake of waiters) wake();
      await compacting;
      await journal.close();
    },
  };
  return queue;
}

function replay(lines: readonly string[]): Map<string, StoredMessage> {
  const messages = new Map<string, StoredMessage>();
  for (const line of lines) {
    const entry = JSON.parse(line) as JournalEntry;
    switch (entry.op) {
      case 'send':
        messages.set(entry.id, {
          id: entry.id,
          body: entry.body,
          sentAt: entry.sentAt,
          visibleAt: entry.visibleAt,
          receiveCount: 0,
        });
        break;
      case 'receive': {
        const m = messages.get(entry.id);
        if (m) {
          m.receiveCount += 1;
          m.receipt = entry.receipt;
          m.visibleAt = entry.visibleAt;
        }
        break;
      }
      case 'visibility': {
        const m = messages.get(entry.id);
        if (m) m.visibleAt = entry.visibleAt;
        break;
      }
      case 'delete':
        messages.delete(entry.id);
        break;
    }
  }
  return messages;
}
