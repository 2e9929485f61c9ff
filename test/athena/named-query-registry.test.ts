import { ValidationError } from '../../lambdas/core/errors';
import {
  bindNamedQueryParameters,
  LOCAL_DATABASE,
  loadNamedQuery,
  namedQueries,
  namedQuery,
  renderNamedQuery,
} from '../../lambdas/lake/named-queries';
import { codeOf, headerOf, readAthenaFile, sqlFiles } from './sql-text';

/** Text between the sessionize markers: the session rules must not drift apart between queries. */
const sessionizeBlock = (sql: string): string | undefined =>
  /-- sessionize: begin[\s\S]*?-- sessionize: end/.exec(sql)?.[0];

describe('named query registry', () => {
  it('registers every .sql file in athena/queries, and has a file for every entry', () => {
    // Prepare
    const files = sqlFiles('queries');

    // Act
    const registered = namedQueries.map((q) => q.file).sort();

    // Assess
    expect(registered).toEqual(files);
    expect(new Set(namedQueries.map((q) => q.name)).size).toBe(namedQueries.length);
  });

  it.each(namedQueries.map((q) => [q.name, q] as const))(
    'heads %s with its name, what it answers and its parameters in placeholder order',
    (_name, query) => {
      // Act
      const sql = loadNamedQuery(query.name);
      const header = headerOf(sql);
      const placeholders = codeOf(sql).split('?').length - 1;

      // Assess
      expect(header.name).toBe(query.name);
      expect(header.answers).toMatch(/\?$/);
      expect(header.parameters).toBe(query.parameters.map((p) => p.name).join(', '));
      expect(placeholders).toBe(query.parameters.length);
      expect(query.file).toBe(`${query.name}.sql`);
    },
  );

  it.each(namedQueries.map((q) => [q.name, q] as const))(
    'lets CDK create %s as an Athena named query (name, description and SQL within Athena limits)',
    (_name, query) => {
      // Act
      const sql = renderNamedQuery(loadNamedQuery(query.name), { database: 'sightline_prod' });

      // Assess
      expect(query.name).toMatch(/^[a-z0-9-]{1,128}$/);
      expect(query.description.length).toBeGreaterThan(0);
      expect(query.description.length).toBeLessThanOrEqual(1024);
      // The console asks for `?` values by position: the description says which is which.
      expect(query.description).toContain(`in order: ${query.parameters.map((p) => p.name).join(', ')}.`);
      expect(Buffer.byteLength(sql)).toBeLessThanOrEqual(262_144);
    },
  );

  it.each(namedQueries.map((q) => [q.name, q] as const))(
    'reads every table of %s through {{database}} and filters the injected site_id partition',
    (_name, query) => {
      // Prepare
      const code = codeOf(loadNamedQuery(query.name));

      // Act
      const tableReferences = [...code.matchAll(/\b(?:FROM|JOIN)\s+([\w.{}]+)/gi)]
        .map((m) => m[1] ?? '')
        .filter((ref) => /\bevents$|failed_events$/.test(ref));

      // Assess
      expect(tableReferences.length).toBeGreaterThan(0);
      for (const ref of tableReferences) expect(ref).toMatch(/^\{\{database\}\}\.(events|failed_events)$/);
      expect(code).toMatch(/WHERE site_id = \?/);
      expect(code).toMatch(/dt BETWEEN \? AND \?/);
    },
  );

  it('uses one identical sessionize block in every query that builds sessions', () => {
    // Prepare
    const blocks = sqlFiles('queries')
      .map((file) => [file, sessionizeBlock(readAthenaFile('queries', file))] as const)
      .filter(([, block]) => block !== undefined);

    // Act
    const distinct = new Set(blocks.map(([, block]) => block));

    // Assess
    expect(blocks.map(([file]) => file)).toEqual([
      'channels.sql',
      'click-id-networks.sql',
      'entry-and-exit-pages.sql',
      'referrers.sql',
      'sessions.sql',
      'utm-campaigns.sql',
    ]);
    expect(distinct.size).toBe(1);
  });

  it('excludes bots from every query but bot-share', () => {
    // Act
    const withoutBotFilter = namedQueries.filter((q) => !codeOf(loadNamedQuery(q.name)).includes('is_bot = false'));

    // Assess
    expect(withoutBotFilter.map((q) => q.name)).toEqual(['bot-share']);
  });
});

describe('renderNamedQuery', () => {
  it('qualifies tables with the database: the Glue database in AWS, main on the local lake', () => {
    // Act
    const inAws = renderNamedQuery('SELECT 1 FROM {{database}}.events', { database: 'sightline_prod' });
    const local = renderNamedQuery('SELECT 1 FROM {{database}}.events', { database: LOCAL_DATABASE });

    // Assess
    expect(inAws).toBe('SELECT 1 FROM sightline_prod.events');
    expect(local).toBe('SELECT 1 FROM main.events');
  });

  it('refuses a database name that would change the query', () => {
    expect(() => renderNamedQuery('SELECT 1 FROM {{database}}.events', { database: 'x.events; DROP' })).toThrow(
      ValidationError,
    );
  });

  it('refuses SQL that still holds a placeholder it does not know', () => {
    expect(() => renderNamedQuery('SELECT 1 FROM {{database}}.{{table}}', { database: 'main' })).toThrow(
      /\{\{table\}\}/,
    );
  });
});

describe('bindNamedQueryParameters', () => {
  const funnel = namedQuery('funnel');
  const base = { site_id: 's1', from_date: '2026-03-02', to_date: '2026-03-15' };

  it('orders values as the placeholders and binds unused nullable steps as NULL', () => {
    // Act
    const params = bindNamedQueryParameters(funnel, {
      ...base,
      window_seconds: 3600,
      step1: '/pricing',
      step2: 'signup',
    });

    // Assess
    expect(params).toEqual(['s1', '2026-03-02', '2026-03-15', 3600, '/pricing', 'signup', null, null]);
  });

  it.each([
    ['a missing site', { from_date: '2026-03-02', to_date: '2026-03-15' }, 'site_id'],
    ['a date that is not YYYY-MM-DD', { ...base, from_date: '2 March' }, 'from_date'],
    ['an impossible date', { ...base, to_date: '2026-13-45' }, 'to_date'],
    ['a parameter the query does not have', { ...base, limit: 5 }, 'limit'],
  ])('rejects %s, naming the parameter', (_case, values, field) => {
    expect(() => bindNamedQueryParameters(namedQuery('top-pages'), values)).toThrow(
      expect.objectContaining({ name: 'ValidationError', field }),
    );
  });

  it('rejects a funnel window that is not a whole number of seconds', () => {
    expect(() => bindNamedQueryParameters(funnel, { ...base, window_seconds: 1.5, step1: '/' })).toThrow(
      expect.objectContaining({ field: 'window_seconds' }),
    );
  });

  it('names the known queries when asked for one it does not have', () => {
    expect(() => namedQuery('nope')).toThrow(/no named query nope; known: daily-pageviews-and-visitors/);
  });
});
