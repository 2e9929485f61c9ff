import { randomUUID } from 'node:crypto';
import { runDatabaseCommand } from '../../lambdas/cli/local-target';
import { queryLake } from '../support/lake';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { runCli } from '../support/run-cli';

describe('failed events: list and replay', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  }, 60_000);
  afterAll(async () => {
    await stack.stop();
  });

  const send = (origin: string, id: string, extra: Record<string, unknown> = {}) =>
    fetch(`${stack.url}/e`, {
      method: 'POST',
      headers: { origin, 'user-agent': 'Mozilla/5.0 Firefox/128.0', 'x-forwarded-for': '81.2.69.142' },
      body: JSON.stringify({
        site: stack.siteKey,
        events: [{ id, type: 'page', ts: Date.now(), aid: 'a1', url: 'https://partner.example/landing', ...extra }],
      }),
    });

  it('lists a rejected event with its reason, then stores it once its origin is allowed and it is replayed', async () => {
    // Prepare: an event refused for its origin.
    const id = randomUUID();
    expect((await send('https://partner.example', id)).status).toBe(400);
    await stack.settle();
    const listed = await runCli(['failed', 'list', '--reason', 'origin_not_allowed', '--format', 'json'], {
      SIGHTLINE_DATA_DIR: stack.dataDir,
    });
    const rows = JSON.parse(listed.stdout) as { reason: string; payload: string; context: string }[];
    expect(rows.some((r) => r.payload.includes(id))).toBe(true);
    expect(JSON.parse(rows[0]?.context ?? '{}')).toMatchObject({ ip: '81.2.69.0', origin: 'https://partner.example' });

    // Act: allow the origin, then replay.
    await stack.runtime.deps.sql.db
      .updateTable('sites')
      .set({ allowed_origins: JSON.stringify(['https://partner.example']) })
      .where('site_key', '=', stack.siteKey)
      .execute();
    await new Promise((r) => setTimeout(r, 5_100)); // the runtime caches sites for 5 s
    const first = (await runDatabaseCommand(stack.dataDir, {
      command: 'failed.replay',
      reason: 'origin_not_allowed',
    })) as {
      outcomes: { status: string }[];
    };
    const again = (await runDatabaseCommand(stack.dataDir, {
      command: 'failed.replay',
      reason: 'origin_not_allowed',
    })) as {
      outcomes: { status: string }[];
    };

    // Assess: the event is in the lake once, with the stored context; a second replay does nothing.
    expect(first.outcomes.map((o) => o.status)).toContain('replayed');
    expect(again.outcomes.every((o) => o.status === 'already_replayed')).toBe(true);
    await stack.settle();
    const stored = await queryLake(stack.dataDir, 'select ip, browser from events where event_id = ?', [id]);
    expect(stored).toEqual([{ ip: '81.2.69.0', browser: 'Firefox' }]);
  }, 60_000);

  it('leaves an event that is still invalid as a failure, adding no new failure records', async () => {
    const id = randomUUID();
    await send('http://localhost:3000', id, { url: 'x'.repeat(3000) });
    await stack.settle();
    const before = await queryLake(
      stack.dataDir,
      "select count(*) as n from failed_events where reason = 'schema_violation'",
    );
    const result = (await runDatabaseCommand(stack.dataDir, {
      command: 'failed.replay',
      reason: 'schema_violation',
    })) as {
      outcomes: { status: string }[];
    };
    await stack.settle();
    const after = await queryLake(
      stack.dataDir,
      "select count(*) as n from failed_events where reason = 'schema_violation'",
    );
    expect(result.outcomes.map((o) => o.status)).toEqual(['still_failing']);
    expect(after).toEqual(before);
  }, 60_000);
});
