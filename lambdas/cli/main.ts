import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { createDuckDbAnalytics } from '../adapters/local/duckdb-analytics';
import { attributionQueries, loadAttributionQuery } from '../attribution/attribution-queries';
import {
  bindNamedQueryParameters,
  LOCAL_DATABASE,
  type NamedQuery,
  namedQueries,
  namedQuery,
  renderNamedQuery,
} from '../lake/named-queries';
import { runNamedQuery } from '../lake/named-query-runner';
import { type FailedEventFilter, listFailedEvents } from '../pipeline/failed-events';
import type { Analytics } from '../ports/analytics';
import { dataDirFromEnv, dataPaths } from '../runtime/data-dir';
import { initializeDataDir } from '../runtime/initialize-data-dir';
import { type RunningRuntime, startLocalRuntime } from '../runtime/start';
import { runDatabaseCommand } from './local-target';
import { formatRows, type OutputFormat } from './output';
import { startBanner } from './start-banner';

/**
 * The `sightline` command line. Every command works on the data directory of `npm start`
 * (`SIGHTLINE_DATA_DIR`, default `./.sightline`), whether or not the runtime is running.
 *
 * @example
 * await main(['node', 'sightline', 'sites', 'create', '--domain', 'shop.example.com']);
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('sightline').description('Self-hosted visitor intelligence').exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('start')
    .description('run every handler in this process over the embedded adapters')
    .option('--port <port>', 'HTTP port (PORT overrides the default 8787)', parsePort)
    .action(async (opts: { port?: number }) => {
      const runtime = await startLocalRuntime({
        dataDir: dataDirFromEnv(),
        port: opts.port ?? (process.env.PORT ? parsePort(process.env.PORT) : 8787),
        ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
        ...(process.env.SIGHTLINE_TRUSTED_PROXIES ? { trustedProxies: process.env.SIGHTLINE_TRUSTED_PROXIES } : {}),
      });
      console.log(startBanner(runtime));
      await untilSignalled(runtime);
    });

  program
    .command('init')
    .description('create and migrate the data directory (start does this on first run)')
    .action(async () => {
      await initializeDataDir(dataDirFromEnv());
    });

  const sites = program.command('sites').description('manage sites');
  sites
    .command('create')
    .description('create a site; prints its id, public siteKey and secret writeKey as JSON')
    .requiredOption('--domain <domain>', 'the site domain, e.g. shop.example.com')
    .option('--name <name>', 'display name (defaults to the domain)')
    .action(async (opts: { domain: string; name?: string }) => {
      const site = await runDatabaseCommand(dataDirFromEnv(), {
        command: 'sites.create',
        domain: opts.domain,
        ...(opts.name ? { name: opts.name } : {}),
      });
      console.log(JSON.stringify(site, null, 2));
    });

  sites
    .command('settings <siteId>')
    .description("print a site's settings as JSON; with options, change those first (the others keep their value)")
    .option(
      '--channel-rules <file>',
      'JSON file: the channel rules, e.g. [{"channel":"Partners","when":{"source":"partner-a"}}]',
    )
    .option('--affiliate-patterns <file>', 'text file: affiliate link patterns, one a line (e.g. amzn.to/*)')
    .option(
      '--phone-region <region>',
      'default region of phones typed without a country code (ISO 3166-1 alpha-2, e.g. FR); "none" to remove it',
    )
    .action(async (siteId: string, opts: SiteSettingsOptions) => {
      const change: Record<string, unknown> = {};
      if (opts.channelRules) change.channelRules = JSON.parse(readFileSync(opts.channelRules, 'utf8'));
      if (opts.affiliatePatterns) {
        change.affiliatePatterns = readFileSync(opts.affiliatePatterns, 'utf8')
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line !== '');
      }
      if (opts.phoneRegion !== undefined) {
        // Validated by the command (the API's schema); only the case is forgiven here.
        change.phoneRegion = opts.phoneRegion.toLowerCase() === 'none' ? null : opts.phoneRegion.toUpperCase();
      }
      const settings = await runDatabaseCommand(dataDirFromEnv(), { command: 'sites.settings', siteId, change });
      console.log(JSON.stringify(settings, null, 2));
    });

  program
    .command('query')
    .description('run SQL against the local lake (Athena table names) or the local PostgreSQL')
    .addOption(new Option('--engine <engine>', 'where to run it').choices(['athena', 'postgres']).default('athena'))
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv', 'table']).default('table'))
    .option('--max-rows <n>', 'stop after this many rows', (v) => parseWholeNumber(v, '--max-rows'), 10_000)
    .option(
      '--named <name>',
      `run a named query of athena/ (${[...namedQueries, ...attributionQueries].map((q) => q.name).join(', ')})`,
    )
    .option('--param <name=value>', 'a named query parameter (repeatable)', collectParam, {})
    .argument('[sql]', 'the SQL statement (omit with --named)')
    .action(async (sql: string | undefined, opts: QueryOptions) => {
      const rows = await runQuery(sql, opts);
      console.log(formatRows(rows, opts.format));
    });

  const persons = program.command('persons').description('look up, export and erase persons (GDPR access and erasure)');
  persons
    .command('lookup')
    .description('print the person holding an identifier: identifiers, traits, company, merge history (JSON)')
    .requiredOption('--type <type>', 'anonymous_id, user_id, email, phone, gclid, idfa, external_id, ...')
    .requiredOption('--value <value>', 'the identifier value')
    .option('--site <siteId>', 'only this site')
    .action(async (opts: { type: string; value: string; site?: string }) => {
      const result = await runDatabaseCommand(dataDirFromEnv(), {
        command: 'persons.lookup',
        type: opts.type,
        value: opts.value,
        ...(opts.site ? { siteId: opts.site } : {}),
      });
      console.log(JSON.stringify(result, null, 2));
    });
  persons
    .command('export')
    .description('print everything held on one person (GDPR access)')
    .argument('<personId>')
    .action(async (personId: string) => {
      console.log(
        JSON.stringify(await runDatabaseCommand(dataDirFromEnv(), { command: 'persons.export', personId }), null, 2),
      );
    });
  persons
    .command('erase')
    .description("delete a person's identifiers, crypto-shred their PII and leave a tombstone")
    .argument('<personId>')
    .action(async (personId: string) => {
      console.log(
        JSON.stringify(await runDatabaseCommand(dataDirFromEnv(), { command: 'persons.erase', personId }), null, 2),
      );
    });

  persons
    .command('soft-links')
    .description('list soft links (pairs of persons weak signals say may be one) for review (JSON)')
    .addOption(new Option('--status <status>', 'which ones').choices(['open', 'accepted', 'rejected']).default('open'))
    .option('--site <siteId>', 'only this site')
    .option('--limit <n>', 'links per page (at most 1000)', (v) => parseWholeNumber(v, '--limit'), 100)
    .option('--offset <n>', 'links to skip (see hasMore)', (v) => parseWholeNumber(v, '--offset', 0), 0)
    .action(
      async (opts: { status: 'open' | 'accepted' | 'rejected'; site?: string; limit: number; offset: number }) => {
        const result = await runDatabaseCommand(dataDirFromEnv(), {
          command: 'persons.softLinks',
          status: opts.status,
          ...(opts.site ? { siteId: opts.site } : {}),
          limit: opts.limit,
          offset: opts.offset,
        });
        console.log(JSON.stringify(result, null, 2));
      },
    );
  persons
    .command('review-link')
    .description('accept (merge, as the stitching rules allow) or reject (never propose again) an open soft link')
    .argument('<linkId>', 'the soft link id', (value: string) => {
      const id = Number(value);
      if (!Number.isSafeInteger(id) || id < 1) throw new InvalidArgumentError('a positive integer');
      return id;
    })
    .addArgument(new Argument('<decision>', 'accept or reject').choices(['accept', 'reject']))
    .option('--by <name>', 'who decides, recorded with the decision (default: your OS user name)', (value: string) => {
      const name = value.trim();
      if (name.length < 1 || name.length > 320) throw new InvalidArgumentError('a name of 1 to 320 characters');
      return name;
    })
    .action(async (linkId: number, decision: 'accept' | 'reject', opts: { by?: string }) => {
      const by = opts.by ?? osUserName();
      console.log(
        JSON.stringify(
          await runDatabaseCommand(dataDirFromEnv(), { command: 'persons.reviewLink', linkId, decision, by }),
          null,
          2,
        ),
      );
    });

  program
    .command('maintain')
    .description("run the daily maintenance now: partitions ahead and each site's retention (prints what it removed)")
    .action(async () => {
      console.log(JSON.stringify(await runDatabaseCommand(dataDirFromEnv(), { command: 'maintain.daily' }), null, 2));
    });

  const queues = program
    .command('queues')
    .description('what waits in the local queues, and what they parked after retries (dead letters)')
    .action(async () => {
      console.log(JSON.stringify(await runDatabaseCommand(dataDirFromEnv(), { command: 'queues.status' }), null, 2));
    });
  queues
    .command('redrive')
    .description('move parked messages back: identity observations to their queue, enrichment batches to the stream')
    .addArgument(new Argument('<queue>', 'which dead letters').choices(['identity', 'enrich']))
    .option('--limit <n>', 'at most this many', (v) => parseWholeNumber(v, '--limit'), 10_000)
    .action(async (queue: 'identity' | 'enrich', opts: { limit: number }) => {
      const moved = await runDatabaseCommand(dataDirFromEnv(), { command: 'queues.redrive', queue, limit: opts.limit });
      console.log(JSON.stringify(moved, null, 2));
    });

  const failed = program
    .command('failed')
    .description('inspect and replay events that failed collection or enrichment');
  const filterOptions = (command: Command) =>
    command
      .option(
        '--reason <reason>',
        'schema_violation, size_violation, unknown_site, origin_not_allowed, enrichment_failure, identity_refused, ...',
      )
      .option('--site <siteId>', 'only this site')
      .option('--since <YYYY-MM-DD>', 'recorded on or after this day')
      .option('--limit <n>', 'at most this many', (v) => parseWholeNumber(v, '--limit'), 100);
  filterOptions(failed.command('list').description('list failed events, newest first'))
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv', 'table']).default('table'))
    .action(async (opts: FailedOptions & { format: OutputFormat }) => {
      const rows = await withLake((analytics) => listFailedEvents(analytics, failedFilter(opts)));
      console.log(formatRows(rows as unknown as Record<string, unknown>[], opts.format));
    });
  filterOptions(
    failed.command('replay').description('collect failed events again; prints one outcome per event'),
  ).action(async (opts: FailedOptions) => {
    const result = (await runDatabaseCommand(dataDirFromEnv(), {
      command: 'failed.replay',
      ...failedFilter(opts),
    })) as {
      outcomes: unknown[];
    };
    console.log(JSON.stringify(result.outcomes, null, 2));
  });

  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (isCommanderExit(error)) return error.exitCode;
    throw error;
  }
}

/** `sites settings`: files of channel rules and affiliate patterns, a phone region (`none` removes it). */
interface SiteSettingsOptions {
  channelRules?: string;
  affiliatePatterns?: string;
  phoneRegion?: string;
}

interface QueryOptions {
  engine: 'athena' | 'postgres';
  format: OutputFormat;
  maxRows: number;
  named?: string;
  param: Record<string, string>;
}

async function runQuery(sql: string | undefined, opts: QueryOptions): Promise<Record<string, unknown>[]> {
  if (opts.named !== undefined) {
    if (opts.engine !== 'athena') throw new InvalidArgumentError('--named runs on --engine athena');
    const name = opts.named;
    const attribution = attributionQueries.find((q) => q.name === name);
    const values = typedParams(attribution ?? namedQuery(name), opts.param);
    return withLake(async (analytics) => {
      if (!attribution) {
        const result = await runNamedQuery(analytics, name, values, {
          database: LOCAL_DATABASE,
          maxRows: opts.maxRows,
        });
        return [...result.rows];
      }
      const sql = renderNamedQuery(loadAttributionQuery(name), { database: LOCAL_DATABASE });
      const params = bindNamedQueryParameters(attribution, values);
      return [...(await analytics.query(sql, { params, maxRows: opts.maxRows })).rows];
    });
  }
  if (!sql) throw new InvalidArgumentError('give the SQL, or --named <query>');
  if (opts.engine === 'postgres') return queryPostgres(sql, opts.maxRows);
  return withLake(async (analytics) => [...(await analytics.query(sql, { maxRows: opts.maxRows })).rows]);
}

async function withLake<T>(work: (analytics: Analytics) => Promise<T>): Promise<T> {
  const analytics = await createDuckDbAnalytics({ lakeDir: dataPaths(dataDirFromEnv()).lake });
  try {
    return await work(analytics);
  } finally {
    await analytics.close();
  }
}

/** Command-line values are text; integer parameters become numbers (a bad one is left for the binder to name). */
function typedParams(query: NamedQuery, values: Record<string, string>): Record<string, string | number> {
  const typed: Record<string, string | number> = { ...values };
  for (const parameter of query.parameters) {
    const value = values[parameter.name];
    if (parameter.type === 'integer' && value !== undefined && /^-?\d+$/.test(value))
      typed[parameter.name] = Number(value);
  }
  return typed;
}

function collectParam(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at < 1) throw new InvalidArgumentError(`--param takes name=value, got "${value}"`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

async function queryPostgres(sql: string, maxRows: number) {
  const result = (await runDatabaseCommand(dataDirFromEnv(), { command: 'sql.query', sql })) as {
    rows: Record<string, unknown>[];
  };
  return result.rows.slice(0, maxRows);
}

function untilSignalled(runtime: RunningRuntime): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        console.error(`${signal} again: exiting without draining`);
        process.exit(130);
      }
      stopping = true;
      console.log(`\n${signal}: draining and shutting down...`);
      runtime.stop().then(
        () => {
          console.log('stopped cleanly');
          resolve();
        },
        (error) => {
          console.error('shutdown failed', error);
          process.exitCode = 1;
          resolve();
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

interface FailedOptions {
  reason?: string;
  site?: string;
  since?: string;
  limit: number;
}

function failedFilter(opts: FailedOptions): FailedEventFilter {
  return {
    ...(opts.reason ? { reason: opts.reason as FailedEventFilter['reason'] } : {}),
    ...(opts.site ? { siteId: opts.site } : {}),
    ...(opts.since ? { since: opts.since } : {}),
    limit: opts.limit,
  };
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('port must be 0–65535');
  return port;
}

/** A whole number of at least `min` (1 unless said), or an error naming the option. */
function parseWholeNumber(value: string, name: string, min = 1): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new InvalidArgumentError(
      `${name} must be ${min === 1 ? 'a positive integer' : `an integer of at least ${min}`}`,
    );
  return n;
}

function isCommanderExit(error: unknown): error is { exitCode: number } {
  return typeof error === 'object' && error !== null && 'exitCode' in error && 'code' in error;
}

/** The OS user running the CLI, to record who decided; `userInfo` throws for a uid without a passwd entry. */
function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'cli';
  }
}
