import type { ReactNode } from 'react';
import type { Breakdown, Cell } from '../api/types';
import { formatNumber, formatPercent, heading } from '../format';
import { TableWrap } from './TableWrap';

const SHARE_KEYS = new Set(['exitRate', 'conversionRate', 'retention', 'bounceRate']);

function show(key: string, value: Cell): ReactNode {
  if (value === null) return <span className="muted">(none)</span>;
  if (typeof value === 'number') return SHARE_KEYS.has(key) ? formatPercent(value) : formatNumber(value);
  return value;
}

/**
 * The columns a phone shows, as Plausible's lists do: every dimension and the leading metrics, three
 * columns in all (at least one metric); the others appear from tablet width up.
 */
export function narrowColumns(columns: Breakdown['columns']): ReadonlySet<string> {
  const dimensions = columns.filter((c) => c.kind === 'dimension').map((c) => c.key);
  const metrics = columns.filter((c) => c.kind === 'metric').map((c) => c.key);
  return new Set([...dimensions, ...metrics.slice(0, Math.max(1, 3 - dimensions.length))]);
}

/**
 * A ranked breakdown as the API describes it: dimensions first, then metrics, with a bar behind
 * each row scaled to the first metric.
 */
export function BreakdownTable({
  data,
  renderDimension,
}: {
  data: Breakdown;
  renderDimension?: (key: string, value: Cell, row: Readonly<Record<string, Cell>>) => ReactNode;
}) {
  const first = data.columns.find((c) => c.kind === 'metric')?.key;
  const max = Math.max(1, ...data.rows.map((r) => (first ? Number(r[first] ?? 0) : 0)));
  const narrow = narrowColumns(data.columns);
  const priority = (key: string) => (narrow.has(key) ? '' : ' wide-only');
  return (
    <TableWrap>
      <table className="table breakdown">
        <thead>
          <tr>
            {data.columns.map((c) => (
              <th key={c.key} className={`${c.kind === 'metric' ? 'num' : ''}${priority(c.key)}`} scope="col">
                {heading(c.key)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.rows.map((row) => (
            <tr
              key={data.columns
                .filter((c) => c.kind === 'dimension')
                .map((c) => String(row[c.key]))
                .join('\u0000')}
            >
              {data.columns.map((c, j) => (
                <td key={c.key} className={`${c.kind === 'metric' ? 'num' : ''}${priority(c.key)}`}>
                  {j === 0 && first ? (
                    <span
                      className="bar"
                      style={{ width: `${(Number(row[first] ?? 0) / max) * 100}%` }}
                      aria-hidden="true"
                    />
                  ) : null}
                  <span className="cell">
                    {c.kind === 'dimension' && renderDimension
                      ? renderDimension(c.key, row[c.key] ?? null, row)
                      : show(c.key, row[c.key] ?? null)}
                  </span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
