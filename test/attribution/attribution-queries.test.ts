import { readdirSync } from 'node:fs';
import { Parser } from 'node-sql-parser';
import {
  attributionQueries,
  attributionQueriesDir,
  loadAttributionQuery,
} from '../../lambdas/attribution/attribution-queries';
import { namedQueries, renderNamedQuery } from '../../lambdas/lake/named-queries';
import { codeOf, headerOf } from '../athena/sql-text';

const cases = attributionQueries.map((q) => [q.name, q] as const);
const rendered = (name: string) => renderNamedQuery(loadAttributionQuery(name), { database: 'sightline_prod' });

/** The model queries' CTEs, from `WITH` to the final SELECT: they must not drift apart. */
const modelCtes = (name: string) => {
  const sql = loadAttributionQuery(name);
  return sql.slice(sql.indexOf('WITH conversion_rows'), sql.lastIndexOf('\nSELECT\n'));
};

describe('attribution query registry', () => {
  it('registers every .sql file in athena/attribution, and has a file for every entry', () => {
    // Prepare
    const files = readdirSync(attributionQueriesDir())
      .filter((f) => f.endsWith('.sql'))
      .sort();

    // Act
    const registered = attributionQueries.map((q) => q.file).sort();

    // Assess
    expect(registered).toEqual(files);
    expect(new Set(attributionQueries.map((q) => q.name)).size).toBe(attributionQueries.length);
  });

  it('names no query like one of athena/queries, so both registries can become Athena named queries', () => {
    // Act
    const clashes = attributionQueries.filter((a) => namedQueries.some((n) => n.name === a.name));

    // Assess
    expect(clashes).toEqual([]);
  });

  it.each(cases)('heads %s with its name, what it answers and its parameters in placeholder order', (_name, query) => {
    // Act
    const sql = loadAttributionQuery(query.name);
    const header = headerOf(sql);

    // Assess
    expect(header.name).toBe(query.name);
    expect(header.answers).toMatch(/\?$/);
    expect(header.parameters).toBe(query.parameters.map((p) => p.name).join(', '));
    expect(codeOf(sql).split('?').length - 1).toBe(query.parameters.length);
  });

  it.each(cases)(
    'fits %s within Athena named-query limits, naming the ? parameters in its description',
    (_name, query) => {
      // Act
      const sql = rendered(query.name);

      // Assess
      expect(query.name).toMatch(/^[a-z0-9-]{1,128}$/);
      expect(query.description.length).toBeLessThanOrEqual(1024);
      expect(query.description).toContain(`in order: ${query.parameters.map((p) => p.name).join(', ')}.`);
      expect(Buffer.byteLength(sql)).toBeLessThanOrEqual(262_144);
      expect(sql).not.toContain('{{');
    },
  );

  it('keeps the touchpoint and model rules of the two model queries identical', () => {
    // Act
    const [byChannel, credits] = [modelCtes('attribution-by-channel'), modelCtes('conversion-credits')];

    // Assess
    expect(byChannel.length).toBeGreaterThan(1_000);
    expect(byChannel).toBe(credits);
  });
});

describe('attribution queries as Athena (Trino) SQL', () => {
  const parser = new Parser();

  it.each(cases)('parses %s as one Trino SELECT', (name) => {
    // Act
    const ast = parser.astify(rendered(name), { database: 'trino' });

    // Assess
    const statements = Array.isArray(ast) ? ast : [ast];
    expect(statements).toHaveLength(1);
    expect(statements[0]?.type).toBe('select');
  });

  it.each(cases)('measures time in %s in milliseconds, which both engines count alike', (name) => {
    // DuckDB counts unit boundaries crossed, Trino whole units elapsed; lake times are whole milliseconds.
    // Act
    const units = [...codeOf(rendered(name)).matchAll(/date_diff\(\s*'(\w*)'/gi)].map((m) => m[1]);

    // Assess
    for (const unit of units) expect(unit).toBe('millisecond');
  });

  it.each(cases)('divides in %s only doubles', (name) => {
    // bigint / bigint truncates in Trino and not in DuckDB; decimal literals keep their scale in Trino.
    // Act
    const code = codeOf(rendered(name));
    const dividends = [...code.matchAll(/\//g)].map((m) => code.slice(0, m.index).trimEnd());

    // Assess
    for (const dividend of dividends) expect(dividend).toMatch(/(AS double\)+|\b\d+e-?\d+\)*|decay_weight)$/);
  });

  it.each(cases)('uses in %s no function or literal that exists or reads differently in only one engine', (name) => {
    // Act
    const code = codeOf(rendered(name)).toLowerCase();

    // Assess
    for (const onlyOne of [
      '::',
      'json_extract_string(',
      'json_extract_scalar(',
      '->>',
      'date_add(',
      'epoch(',
      'strftime(',
      'date_format(',
      'approx_distinct(',
      'string_agg(',
      'qualify',
      'ilike',
    ]) {
      expect(code).not.toContain(onlyOne);
    }
    // A plain decimal literal is DECIMAL in Trino (1.0 / 3 = 0.3): fractions are written 5e-1.
    expect(code).not.toMatch(/\b\d+\.\d+\b/);
  });
});
