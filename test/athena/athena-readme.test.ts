import { namedQueries } from '../../lambdas/lake/named-queries';
import { eventsTable, lakeTables } from '../../lambdas/lake/tables';
import { lakeDeliveryConfig } from '../../lib/defaults/lake-delivery-defaults';
import { readAthenaFile } from './sql-text';

const readme = readAthenaFile('README.md');

/** `| \`name\` | type | meaning |` rows (cells padded or not) under a `### \`table\`` heading, up to the next heading. */
function documentedColumns(table: string): Map<string, { type: string; meaning: string }> {
  const section = readme.split(`### \`${table}\`\n`)[1]?.split(/\n#{1,3} /)[0] ?? '';
  const rows = [...section.matchAll(/^\|\s*`(\w+)`\s*\|\s*(\w+)\s*\|\s*(.+?)\s*\|$/gm)];
  return new Map(rows.map((m) => [m[1] ?? '', { type: m[2] ?? '', meaning: (m[3] ?? '').trim() }]));
}

describe('athena/README.md', () => {
  it.each(lakeTables.map((t) => [t.name, t] as const))(
    'documents every column of %s with its Athena type and a meaning, and no column it lacks',
    (name, table) => {
      // Act
      const documented = documentedColumns(name);

      // Assess
      const columns = [...table.partitions, ...table.columns];
      expect([...documented.keys()]).toEqual(columns.map((c) => c.name));
      for (const column of columns) {
        expect({ column: column.name, type: documented.get(column.name)?.type }).toEqual({
          column: column.name,
          type: column.type,
        });
        expect(documented.get(column.name)?.meaning.length).toBeGreaterThan(5);
      }
    },
  );

  it('lists every named query', () => {
    // Act
    const section = readme.split('## Named queries\n')[1]?.split('\n## ')[0] ?? '';
    const listed = [...section.matchAll(/^\|\s*`([a-z-]+)`\s*\|/gm)].map((m) => m[1]);

    // Assess
    expect(listed).toEqual(namedQueries.map((q) => q.name));
  });

  it('states the Firehose buffering the stack configures as the freshness of the lake in AWS', () => {
    // Prepare
    const { bufferingHints } = lakeDeliveryConfig({
      table: eventsTable,
      bucketArn: 'arn:aws:s3:::lake',
      roleArn: 'arn:aws:iam::111111111111:role/delivery',
      keyArn: 'arn:aws:kms:eu-west-1:111111111111:key/k',
      region: 'eu-west-1',
      catalogId: '111111111111',
      databaseName: 'sightline',
      logGroupName: 'group',
      logStreamName: 'stream',
    });

    // Act
    const stated = /\((\d+) s \/ (\d+) MB as the stack configures it/.exec(readme.replace(/\s+/g, ' '));

    // Assess
    const hints = bufferingHints && 'sizeInMBs' in bufferingHints ? bufferingHints : undefined;
    expect(stated?.slice(1).map(Number)).toEqual([hints?.intervalInSeconds, hints?.sizeInMBs]);
  });
});
