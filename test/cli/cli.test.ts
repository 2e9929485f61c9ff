import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { createParquetLakeSink } from '../../lambdas/adapters/local/parquet-lake-sink';
import { eventsTable } from '../../lambdas/lake/tables';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { runCli } from '../support/run-cli';
import { makeTempDir } from '../support/temp-dir';

describe('sightline CLI', () => {
  describe('with no runtime running', () => {
    let dir: string;
    let cleanup: () => void;
    beforeAll(async () => {
      ({ dir, cleanup } = makeTempDir('sightline-cli-'));
      const init = await runCli(['init'], { SIGHTLINE_DATA_DIR: dir });
      expect(init.code).toBe(0);
    }, 60_000);
    afterAll(() => cleanup());

    it('creates a site and prints its id, siteKey and writeKey as JSON', async () => {
      const result = await runCli(['sites', 'create', '--domain', 'Shop.Example.com', '--name', 'Shop'], {
        SIGHTLINE_DATA_DIR: dir,
      });
      expect(result.code).toBe(0);
      const site = JSON.parse(result.stdout) as Record<string, string>;
      expect(site).toMatchObject({ name: 'Shop', domain: 'shop.example.com' });
      expect(site.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(site.siteKey).toMatch(/^pk_/);
      expect(site.writeKey).toMatch(/^sk_/);
    }, 30_000);

    it('refuses a domain that is not one, naming it', async () => {
      const result = await runCli(['sites', 'create', '--domain', 'not a domain'], { SIGHTLINE_DATA_DIR: dir });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('not a domain');
    }, 30_000);

    it("changes a site's channel rules and affiliate patterns from files, keeping its other settings", async () => {
      // Prepare
      const site = JSON.parse(
        (await runCli(['sites', 'create', '--domain', 'rules.example.com'], { SIGHTLINE_DATA_DIR: dir })).stdout,
      ) as { id: string };
      const rules = join(dir, 'rules.json');
      const patterns = join(dir, 'patterns.txt');
      writeFileSync(rules, JSON.stringify([{ channel: 'Partners', when: { source: '/^partner-(a|b)$/i' } }]));
      writeFileSync(patterns, 'amzn.to/*\n\n*.awin1.com/cread.php*\n');

      // Act
      const result = await runCli(
        ['sites', 'settings', site.id, '--channel-rules', rules, '--affiliate-patterns', patterns],
        { SIGHTLINE_DATA_DIR: dir },
      );

      // Assess
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        ipv4PrefixBits: 24,
        channelRules: [{ channel: 'Partners', when: { source: '/^partner-(a|b)$/i' } }],
        affiliatePatterns: ['amzn.to/*', '*.awin1.com/cread.php*'],
      });
    }, 60_000);

    it('refuses a channel rule whose regular expression does not compile, naming its path', async () => {
      // Prepare
      const site = JSON.parse(
        (await runCli(['sites', 'create', '--domain', 'broken.example.com'], { SIGHTLINE_DATA_DIR: dir })).stdout,
      ) as { id: string };
      const rules = join(dir, 'broken.json');
      writeFileSync(rules, JSON.stringify([{ channel: 'Partners', when: { medium: '/(/' } }]));

      // Act
      const result = await runCli(['sites', 'settings', site.id, '--channel-rules', rules], {
        SIGHTLINE_DATA_DIR: dir,
      });

      // Assess
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('channelRules.0.when.medium');
    }, 60_000);

    it("sets a site's default phone region, in any case, and refuses an unknown one naming phoneRegion", async () => {
      // Prepare
      const site = JSON.parse(
        (await runCli(['sites', 'create', '--domain', 'phones.example.com'], { SIGHTLINE_DATA_DIR: dir })).stdout,
      ) as { id: string };

      // Act
      const set = await runCli(['sites', 'settings', site.id, '--phone-region', 'fr'], { SIGHTLINE_DATA_DIR: dir });
      const unknown = await runCli(['sites', 'settings', site.id, '--phone-region', 'XX'], {
        SIGHTLINE_DATA_DIR: dir,
      });
      const removed = await runCli(['sites', 'settings', site.id, '--phone-region', 'none'], {
        SIGHTLINE_DATA_DIR: dir,
      });

      // Assess
      expect(set.code).toBe(0);
      expect(JSON.parse(set.stdout)).toMatchObject({ phoneRegion: 'FR' });
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain('phoneRegion');
      expect(JSON.parse(removed.stdout)).toMatchObject({ phoneRegion: null });
    }, 60_000);

    it('prints PostgreSQL rows as one JSON array', async () => {
      const result = await runCli(
        ['query', '--engine', 'postgres', '--format', 'json', "select domain from sites where domain = 'localhost'"],
        { SIGHTLINE_DATA_DIR: dir },
      );
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual([{ domain: 'localhost' }]);
    }, 30_000);

    it('queries the empty local lake with Athena table names', async () => {
      const result = await runCli(
        ['query', '--engine', 'athena', '--format', 'json', 'select count(*) as n from events'],
        {
          SIGHTLINE_DATA_DIR: dir,
        },
      );
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual([{ n: 0 }]);
    }, 30_000);

    it('runs a named query of athena/queries with its parameters', async () => {
      const result = await runCli(
        [
          'query',
          '--named',
          'daily-pageviews-and-visitors',
          '--param',
          'site_id=none',
          '--param',
          'from_date=2026-01-01',
          '--param',
          'to_date=2026-01-31',
          '--format',
          'json',
        ],
        { SIGHTLINE_DATA_DIR: dir },
      );
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual([]);
    }, 30_000);

    it('runs an attribution query of athena/attribution by name', async () => {
      const result = await runCli(
        ['query', '--named', 'attribution-by-channel', '--format', 'json']
          .concat(['--param', 'site_id=none', '--param', 'from_date=2026-01-01', '--param', 'to_date=2026-01-31'])
          .concat(['--param', 'lookback_days=30', '--param', 'half_life_days=7']),
        { SIGHTLINE_DATA_DIR: dir },
      );
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual([]);
    }, 30_000);

    it('names the parameter a named query is missing', async () => {
      const result = await runCli(['query', '--named', 'top-pages', '--param', 'site_id=x'], {
        SIGHTLINE_DATA_DIR: dir,
      });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/from_date/);
    }, 30_000);

    it('prints what the local queues hold and parked, and refuses to redrive a queue that does not exist', async () => {
      const status = await runCli(['queues'], { SIGHTLINE_DATA_DIR: dir });
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toEqual({
        identity: { waiting: 0, deadLetters: 0 },
        enrich: { deadLetters: 0 },
      });
      const redrive = await runCli(['queues', 'redrive', 'identity'], { SIGHTLINE_DATA_DIR: dir });
      expect(redrive.code).toBe(0);
      expect(JSON.parse(redrive.stdout)).toEqual({ moved: 0, unreadable: 0 });
      const wrong = await runCli(['queues', 'redrive', 'billing'], { SIGHTLINE_DATA_DIR: dir });
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toMatch(/billing/);
    }, 60_000);

    it('refuses a soft-link review by nobody, naming --by', async () => {
      const result = await runCli(['persons', 'review-link', '1', 'reject', '--by', '  '], { SIGHTLINE_DATA_DIR: dir });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/--by/);
      expect(result.stderr).toMatch(/1 to 320 characters/);
    }, 30_000);

    it('prints CSV with a header row', async () => {
      const result = await runCli(['query', '--engine', 'athena', '--format', 'csv', "select 1 as a, 'x,y' as b"], {
        SIGHTLINE_DATA_DIR: dir,
      });
      expect(result.stdout.trim()).toBe('a,b\n1,"x,y"');
    }, 30_000);
  });

  describe('against a running npm start', () => {
    let stack: LocalStack;
    beforeAll(async () => {
      stack = await startLocalStack();
    }, 60_000);
    afterAll(async () => {
      await stack.stop();
    });

    it('creates a site through the running runtime, which then accepts its events', async () => {
      const result = await runCli(['sites', 'create', '--domain', 'live.example.com'], {
        SIGHTLINE_DATA_DIR: stack.dataDir,
      });
      expect(result.code).toBe(0);
      const site = JSON.parse(result.stdout) as { siteKey: string };
      const response = await fetch(`${stack.url}/e`, {
        method: 'POST',
        body: JSON.stringify({
          site: site.siteKey,
          events: [{ id: 'cli-1', type: 'page', ts: Date.now(), url: 'https://live.example.com/' }],
        }),
      });
      expect(response.status).toBe(202);
    }, 30_000);

    it("runs the daily maintenance now, removing lake partitions older than a site's retention", async () => {
      // Prepare: a site keeping 30 days, and a day of its events from long ago in the lake.
      const env = { SIGHTLINE_DATA_DIR: stack.dataDir };
      const site = JSON.parse((await runCli(['sites', 'create', '--domain', 'kept.example.com'], env)).stdout) as {
        id: string;
      };
      const update = `update sites set settings = '{"retentionDays": 30}' where id = '${site.id}'`;
      expect((await runCli(['query', '--engine', 'postgres', update], env)).code).toBe(0);
      const lake = createLocalObjectStore({ root: join(stack.dataDir, 'lake') });
      const old = new Date('2020-01-01T12:00:00Z');
      await createParquetLakeSink(lake).write(
        eventsTable,
        [{ event_id: 'old-1', site_id: site.id, dt: '2020-01-01', event_time: old, received_at: old }],
        'old',
      );

      // Act
      const result = await runCli(['maintain'], env);

      // Assess
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as { retention: { siteId: string; lake: { events: unknown } }[] };
      expect(report.retention.find((r) => r.siteId === site.id)?.lake.events).toEqual({
        days: ['2020-01-01'],
        objects: 1,
      });
      const left = [];
      for await (const object of lake.list(`events/site_id=${site.id}/`)) left.push(object.key);
      expect(left).toEqual([]);
    }, 60_000);

    it('reads PostgreSQL through the running runtime', async () => {
      const result = await runCli(
        ['query', '--engine', 'postgres', '--format', 'json', 'select count(*)::int as n from organizations'],
        {
          SIGHTLINE_DATA_DIR: stack.dataDir,
        },
      );
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual([{ n: 1 }]);
    }, 30_000);
  });
});
