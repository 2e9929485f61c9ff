import { join } from 'node:path';
import { createLocalQueue, type LocalQueue } from '../../lambdas/adapters/local/local-queue';
import { ValidationError } from '../../lambdas/core/errors';
import { makeTempDir } from '../support/temp-dir';

describe('Queue contract: durable local queue', () => {
  let dir: string;
  let cleanup: () => void;
  let clock: number;
  let dlq: LocalQueue;
  let queue: LocalQueue;
  const open = () => {
    dlq = createLocalQueue({ name: 'work-dlq', path: join(dir, 'dlq.log'), now: () => clock });
    queue = createLocalQueue({
      name: 'work',
      path: join(dir, 'work.log'),
      visibilityTimeoutSeconds: 30,
      deadLetter: { queue: dlq, maxReceiveCount: 3 },
      now: () => clock,
    });
  };

  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir());
    clock = 1_000_000;
    open();
  });
  afterEach(async () => {
    await queue.close();
    await dlq.close();
    cleanup();
  });

  it('delivers a sent message with its body and a receive count of 1', async () => {
    await queue.send([{ body: 'hello' }]);
    const [message] = await queue.receive({ maxMessages: 10 });
    expect(message).toMatchObject({ body: 'hello', receiveCount: 1 });
  });

  it('hides a received message until its visibility timeout passes', async () => {
    await queue.send([{ body: 'a' }]);
    await queue.receive({ maxMessages: 1 });
    expect(await queue.receive({ maxMessages: 1 })).toHaveLength(0);
    clock += 31_000;
    expect(await queue.receive({ maxMessages: 1 })).toEqual([expect.objectContaining({ body: 'a', receiveCount: 2 })]);
  });

  it('never delivers a deleted message again', async () => {
    await queue.send([{ body: 'a' }]);
    const [message] = await queue.receive({ maxMessages: 1 });
    await queue.delete(message?.receiptHandle as string);
    clock += 60_000;
    expect(await queue.receive({ maxMessages: 1 })).toHaveLength(0);
    expect(await queue.depth()).toBe(0);
  });

  it('holds a delayed message back until its delay passes', async () => {
    await queue.send([{ body: 'later', delaySeconds: 10 }]);
    expect(await queue.receive({ maxMessages: 1 })).toHaveLength(0);
    clock += 10_000;
    expect(await queue.receive({ maxMessages: 1 })).toHaveLength(1);
  });

  it('makes a message visible at once when its visibility is changed to 0', async () => {
    await queue.send([{ body: 'retry-me' }]);
    const [message] = await queue.receive({ maxMessages: 1 });
    await queue.changeVisibility(message?.receiptHandle as string, 0);
    expect(await queue.receive({ maxMessages: 1 })).toHaveLength(1);
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
    await queue.send([{ body: 'poison' }]);
    for (let i = 0; i < 3; i++) {
      expect(await queue.receive({ maxMessages: 1 })).toHaveLength(1);
      clock += 31_000;
    }
    expect(await queue.receive({ maxMessages: 1 })).toHaveLength(0);
    expect(await dlq.receive({ maxMessages: 1 })).toEqual([expect.objectContaining({ body: 'poison' })]);
  });

  it('keeps acknowledged sends and receive counts across a reopen', async () => {
    await queue.send([{ body: 'one' }, { body: 'two' }]);
    const [first] = await queue.receive({ maxMessages: 1 });
    await queue.delete(first?.receiptHandle as string);
    await queue.receive({ maxMessages: 1 });
    await queue.close();
    await dlq.close();

    open();
    clock += 31_000;
    const [again] = await queue.receive({ maxMessages: 10 });
    expect(again).toMatchObject({ body: 'two', receiveCount: 2 });
  });

  it('wakes a long-polling receiver when a message arrives', async () => {
    const waiting = queue.receive({ maxMessages: 1, waitTimeMs: 5_000 });
    await queue.send([{ body: 'late' }]);
    expect(await waiting).toEqual([expect.objectContaining({ body: 'late' })]);
  });

  it('compacts its journal without losing messages', async () => {
    for (let i = 0; i < 600; i++) {
      await queue.send([{ body: `m${i}` }]);
      const [m] = await queue.receive({ maxMessages: 1 });
      if (i < 599) await queue.delete(m?.receiptHandle as string);
    }
    await queue.close();
    await dlq.close();
    open();
    expect(await queue.depth()).toBe(1);
  });

  it('rejects an oversized body naming the message', async () => {
    await expect(queue.send([{ body: 'x'.repeat(256 * 1024 + 1) }])).rejects.toThrow(ValidationError);
  });
});
