import { toNamedStatement } from '../../../lambdas/adapters/aws/data-api-parameters';
import { ValidationError } from '../../../lambdas/core/errors';

describe('Data API parameters', () => {
  it('converts positional parameters to named Data API parameters', () => {
    const statement = toNamedStatement('select * from sites where id = $1 and name in ($2, $10)', ['a', 'b', 'c']);

    expect(statement.sql).toBe('select * from sites where id = :p1 and name in (:p2, :p10)');
    expect(statement.parameters.map((parameter) => parameter.name)).toEqual(['p1', 'p2', 'p3']);
  });

  it('leaves $n inside an unquoted identifier alone', () => {
    expect(toNamedStatement('select total$1 from t where x = $1', [1]).sql).toBe('select total$1 from t where x = :p1');
  });

  it('leaves $n inside string literals, quoted identifiers, dollar quotes and comments alone', () => {
    const sql = [
      `select '$1', 'it''s $2', E'\\'$3', "col$4", $$ $5 $$, $body$ $6 $body$ -- $7`,
      `/* $8 /* nested $9 */ $10 */ , $11, $12::jsonb`,
    ].join('\n');

    expect(toNamedStatement(sql, []).sql).toBe(
      [
        `select '$1', 'it''s $2', E'\\'$3', "col$4", $$ $5 $$, $body$ $6 $body$ -- $7`,
        `/* $8 /* nested $9 */ $10 */ , :p11, :p12::jsonb`,
      ].join('\n'),
    );
  });

  it('types each value for the Data API', () => {
    const when = new Date('2024-05-01T12:30:00.123Z');
    const bytes = Buffer.from([1, 2, 3]);
    const values = [
      'text',
      42,
      1.5,
      true,
      null,
      undefined,
      when,
      { honorDnt: true },
      ['https://a.example'],
      bytes,
      '3f1c7c9e-2b1d-4c8e-9f0a-1b2c3d4e5f60',
      '["https://b.example"]',
      2n ** 70n,
    ];

    expect(toNamedStatement('', values).parameters.map(({ value, typeHint }) => ({ value, typeHint }))).toEqual([
      { value: { stringValue: 'text' } },
      { value: { longValue: 42 } },
      { value: { doubleValue: 1.5 } },
      { value: { booleanValue: true } },
      { value: { isNull: true } },
      { value: { isNull: true } },
      { value: { stringValue: '2024-05-01 12:30:00.123' }, typeHint: 'TIMESTAMP' },
      { value: { stringValue: '{"honorDnt":true}' }, typeHint: 'JSON' },
      { value: { stringValue: '["https://a.example"]' }, typeHint: 'JSON' },
      { value: { blobValue: bytes } },
      { value: { stringValue: '3f1c7c9e-2b1d-4c8e-9f0a-1b2c3d4e5f60' }, typeHint: 'UUID' },
      { value: { stringValue: '["https://b.example"]' }, typeHint: 'JSON' },
      { value: { stringValue: '1180591620717411303424' }, typeHint: 'DECIMAL' },
    ]);
  });

  it('sends a string that merely starts like JSON as a plain string', () => {
    const [parameter] = toNamedStatement('', ['[beta] launch']).parameters;

    expect(parameter).toEqual({ name: 'p1', value: { stringValue: '[beta] launch' } });
  });

  it('rejects an invalid Date naming the parameter', () => {
    expect(() => toNamedStatement('', ['ok', new Date('nope')])).toThrow(ValidationError);
    expect(() => toNamedStatement('', ['ok', new Date('nope')])).toThrow(
      expect.objectContaining({ field: 'parameters[1]' }),
    );
  });
});
