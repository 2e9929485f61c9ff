import { Parser } from 'node-sql-parser';
import { loadNamedQuery, namedQueries, renderNamedQuery } from '../../lambdas/lake/named-queries';
import { codeOf } from './sql-text';

/**
 * The named queries run unchanged on Athena (engine v3, Trino) and on DuckDB. DuckDB runs them in
 * named-query-results.test.ts; here they must parse as Trino, and avoid the forms where the two
 * engines parse alike but answer differently.
 */
const cases = namedQueries.map((q) => [q.name, renderNamedQuery(loadNamedQuery(q.name), { database: 'sightline' })]);

describe('named queries as Athena (Trino) SQL', () => {
  const parser = new Parser();

  it.each(cases)('parses %s as one Trino SELECT', (_name, sql) => {
    // Act
    const ast = parser.astify(sql, { database: 'trino' });

    // Assess
    const statements = Array.isArray(ast) ? ast : [ast];
    expect(statements).toHaveLength(1);
    expect(statements[0]?.type).toBe('select');
  });

  it('rejects SQL in DuckDB-only syntax, so parsing proves something', () => {
    expect(() =>
      parser.astify('SELECT count(*) FROM t QUALIFY row_number() OVER () = 1', { database: 'trino' }),
    ).toThrow();
    expect(() => parser.astify('SELECT * EXCLUDE (a) FROM t', { database: 'trino' })).toThrow();
  });

  it.each(cases)('measures time in %s only in units both engines count alike', (_name, sql) => {
    // DuckDB's date_diff counts unit boundaries crossed, Trino's whole units elapsed: 00:00:00.9 to
    // 00:00:01.1 is 1 second in DuckDB and 0 in Trino. Lake timestamps are whole milliseconds,
    // so milliseconds agree; weeks agree between the Mondays date_trunc('week') gives.
    // Act
    const units = [...codeOf(sql).matchAll(/date_diff\(\s*'([^']*)'/gi)].map(
      (m) => sql.slice(m.index ?? 0).match(/'(\w+)'/)?.[1],
    );

    // Assess
    for (const unit of units) expect(['millisecond', 'week']).toContain(unit);
  });

  it.each(cases)('divides in %s only doubles', (_name, sql) => {
    // bigint / bigint truncates in Trino and not in DuckDB: every quotient starts from a double.
    // Act
    const code = codeOf(sql);
    const dividends = [...code.matchAll(/\//g)].map((m) => code.slice(0, m.index).trimEnd());

    // Assess
    for (const dividend of dividends) expect(dividend).toMatch(/AS double\)+$/);
  });

  it.each(cases)('uses in %s no function that exists in only one engine', (_name, sql) => {
    // Act
    const code = codeOf(sql).toLowerCase();

    // Assess
    for (const onlyOne of [
      '::', // DuckDB cast shorthand
      'epoch(',
      'epoch_ms(',
      'to_unixtime(',
      'strftime(',
      'date_format(',
      'date_add(',
      'date_sub(',
      'approx_distinct(',
      'approx_count_distinct(',
      'json_extract_string(',
      'json_extract_scalar(',
      '->>',
      'string_agg(',
      'ilike',
    ]) {
      expect(code).not.toContain(onlyOne);
    }
  });
});
