import { type ReactNode, useEffect, useState } from 'react';
import type { Breakdown, Cell, Site } from '../api/types';
import { useApi } from '../hooks/useApi';
import { useFilters } from '../state/useFilters';
import { Async } from './Async';
import { BreakdownTable } from './BreakdownTable';
import { Card, PageTitle } from './Card';
import { Pager } from './Pager';
import { RequireSite } from './RequireSite';
import { Tabs } from './Tabs';

const PAGE_SIZE = 25;

export interface BreakdownKind<K extends string> {
  readonly value: K;
  readonly label: string;
  readonly empty: string;
}

function BreakdownOf<K extends string>({
  site,
  group,
  kinds,
  renderDimension,
}: {
  site: Site;
  group: string;
  kinds: readonly BreakdownKind<K>[];
  renderDimension?: (key: string, value: Cell) => ReactNode;
}) {
  const { range } = useFilters();
  const [kind, setKind] = useState<K>((kinds[0] as BreakdownKind<K>).value);
  const [offset, setOffset] = useState(0);
  // A new question starts at its first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the reset is the point
  useEffect(() => setOffset(0), [kind, range.from, range.to, site.id]);
  const state = useApi<Breakdown>(`/api/sites/${site.id}/stats/${group}`, { ...range, kind, limit: PAGE_SIZE, offset });
  const current = kinds.find((k) => k.value === kind);
  return (
    <Card actions={<Tabs label="Report" value={kind} options={kinds} onChange={setKind} />}>
      <Async
        state={state}
        isEmpty={(b) => b.rows.length === 0 && offset === 0}
        empty={current?.empty ?? 'Nothing in this range'}
      >
        {(b) => (
          <>
            <BreakdownTable data={b} {...(renderDimension ? { renderDimension } : {})} />
            <Pager offset={b.offset} limit={b.limit} hasMore={b.hasMore} onChange={setOffset} />
          </>
        )}
      </Async>
    </Card>
  );
}

/** A report view of one breakdown group (pages, sources, geography, devices) with a tab per kind. */
export function BreakdownView<K extends string>(props: {
  title: string;
  description: string;
  group: string;
  kinds: readonly BreakdownKind<K>[];
  renderDimension?: (key: string, value: Cell) => ReactNode;
}) {
  return (
    <>
      <PageTitle title={props.title}>{props.description}</PageTitle>
      <RequireSite>{(site) => <BreakdownOf site={site} {...props} />}</RequireSite>
    </>
  );
}
