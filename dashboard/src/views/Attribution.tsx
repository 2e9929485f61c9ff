import { useState } from 'react';
import type { AttributionModel, AttributionRow, Site } from '../api/types';
import { Async } from '../components/Async';
import { Card, PageTitle } from '../components/Card';
import { RequireSite } from '../components/RequireSite';
import { TableWrap } from '../components/TableWrap';
import { Tabs } from '../components/Tabs';
import { useApi } from '../hooks/useApi';
import { useFilters } from '../state/useFilters';

const MODELS: readonly { readonly key: AttributionModel; readonly label: string }[] = [
  { key: 'firstTouch', label: 'First touch' },
  { key: 'lastTouch', label: 'Last touch' },
  { key: 'linear', label: 'Linear' },
  { key: 'timeDecay', label: 'Time decay' },
  { key: 'positionBased', label: 'Position-based' },
];

type GroupBy = 'channel' | 'campaign';
type Measure = 'conversions' | 'revenue';

const GROUPS: readonly { readonly value: GroupBy; readonly label: string }[] = [
  { value: 'channel', label: 'Channels' },
  { value: 'campaign', label: 'Campaigns' },
];
const MEASURES: readonly { readonly value: Measure; readonly label: string }[] = [
  { value: 'conversions', label: 'Conversions' },
  { value: 'revenue', label: 'Revenue' },
];

// Credits are shares of conversions: two decimals say enough.
const credit = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

function money(value: number, currency: string | null): string {
  if (currency === null) return credit.format(value);
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency, maximumFractionDigits: 2 }).format(value);
  } catch {
    // A network sent a currency code Intl does not know: show it as written.
    return `${credit.format(value)} ${currency}`;
  }
}

function AttributionOf({ site }: { site: Site }) {
  const { range } = useFilters();
  const [groupBy, setGroupBy] = useState<GroupBy>('channel');
  const [measure, setMeasure] = useState<Measure>('conversions');
  const state = useApi<{ rows: readonly AttributionRow[] }>(`/api/sites/${site.id}/attribution`, {
    ...range,
    groupBy,
  });
  const multiCurrency = new Set(state.data?.rows.map((r) => r.currency)).size > 1;
  return (
    <Card
      actions={
        <div className="card-actions">
          <Tabs label="Group by" value={groupBy} options={GROUPS} onChange={setGroupBy} />
          <Tabs label="Measure" value={measure} options={MEASURES} onChange={setMeasure} />
        </div>
      }
    >
      <Async
        state={state}
        isEmpty={(a) => a.rows.length === 0}
        empty="No conversions in this range"
        emptyHint="Conversions arrive from postbacks and mobile measurement partners."
      >
        {(a) => (
          <TableWrap>
            <table className="table cards" aria-label="Attributed conversions">
              <thead>
                <tr>
                  <th scope="col">Channel</th>
                  {groupBy === 'campaign' ? <th scope="col">Campaign</th> : null}
                  {multiCurrency ? <th scope="col">Currency</th> : null}
                  {MODELS.map((m) => (
                    <th key={m.key} scope="col" className="num">
                      {m.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {a.rows.map((row) => (
                  <tr key={`${row.channel}\u0000${row.campaign ?? ''}\u0000${row.currency ?? ''}`}>
                    <td>{row.channel}</td>
                    {groupBy === 'campaign' ? <td data-label="Campaign">{row.campaign}</td> : null}
                    {multiCurrency ? (
                      <td data-label="Currency">{row.currency ?? <span className="muted">(none)</span>}</td>
                    ) : null}
                    {MODELS.map((m) => (
                      <td key={m.key} className="num" data-label={m.label}>
                        {measure === 'conversions'
                          ? credit.format(row.conversions[m.key])
                          : money(row.revenue[m.key], row.currency)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </Async>
    </Card>
  );
}

/** The five attribution models side by side, so a channel's credit can be read under each. */
export function Attribution() {
  return (
    <>
      <PageTitle title="Attribution">
        Conversions credited to the visits before them (30-day lookback) under first-touch, last-touch, linear, time
        decay (7-day half-life) and position-based (40/20/40) models.
      </PageTitle>
      <RequireSite>{(site) => <AttributionOf site={site} />}</RequireSite>
    </>
  );
}
