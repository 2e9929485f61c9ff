import { lazy, Suspense, useState } from 'react';
import { Link } from 'react-router-dom';
import type { Breakdown, Overview as OverviewData, Site, Timeseries } from '../api/types';
import type { TrendMetric } from '../charts/TrendChart';
import { Async } from '../components/Async';
import { BreakdownTable } from '../components/BreakdownTable';
import { Card, PageTitle } from '../components/Card';
import { KpiCard } from '../components/KpiCard';
import { RequireSite } from '../components/RequireSite';
import { Loading } from '../components/States';
import { formatDuration, formatNumber, formatPercent } from '../format';
import { useApi } from '../hooks/useApi';
import { useFilters } from '../state/useFilters';

const TrendChart = lazy(() => import('../charts/TrendChart').then((m) => ({ default: m.TrendChart })));

function OverviewOf({ site }: { site: Site }) {
  const { range, period } = useFilters();
  const [metric, setMetric] = useState<TrendMetric>('visitors');
  const base = `/api/sites/${site.id}/stats`;
  const totals = useApi<OverviewData>(`${base}/overview`, range);
  const series = useApi<Timeseries>(`${base}/timeseries`, { ...range, interval: period === 'today' ? 'hour' : 'day' });
  const pages = useApi<Breakdown>(`${base}/pages`, { ...range, kind: 'top', limit: 5 });
  const channels = useApi<Breakdown>(`${base}/sources`, { ...range, kind: 'channels', limit: 5 });

  return (
    <>
      <PageTitle title="Overview">
        {site.name} · {range.from === range.to ? range.from : `${range.from} – ${range.to}`} (UTC)
      </PageTitle>
      <Async
        state={totals}
        isEmpty={(o) => o.current.visitors === 0 && o.current.pageviews === 0 && o.previous.visitors === 0}
        empty="No visits in this range yet"
        emptyHint={
          site.installation.status === 'waiting' ? (
            <>
              This site has not sent an event yet. <Link to="/sites">Copy its snippet</Link> into your pages.
            </>
          ) : (
            'Try a longer range.'
          )
        }
      >
        {({ current, previous }) => (
          <section className="kpis" aria-label="Totals">
            <KpiCard
              label="Visitors"
              value={formatNumber(current.visitors)}
              current={current.visitors}
              previous={previous.visitors}
              selected={metric === 'visitors'}
              onSelect={() => setMetric('visitors')}
            />
            <KpiCard
              label="Sessions"
              value={formatNumber(current.sessions)}
              current={current.sessions}
              previous={previous.sessions}
              selected={metric === 'sessions'}
              onSelect={() => setMetric('sessions')}
            />
            <KpiCard
              label="Page views"
              value={formatNumber(current.pageviews)}
              current={current.pageviews}
              previous={previous.pageviews}
              selected={metric === 'pageviews'}
              onSelect={() => setMetric('pageviews')}
            />
            <KpiCard
              label="Bounce rate"
              value={formatPercent(current.bounceRate)}
              current={current.bounceRate}
              previous={previous.bounceRate}
              lowerIsBetter
            />
            <KpiCard
              label="Visit duration"
              value={formatDuration(current.avgDurationSeconds)}
              current={current.avgDurationSeconds}
              previous={previous.avgDurationSeconds}
            />
            <KpiCard
              label="Conversions"
              value={formatNumber(current.conversions)}
              current={current.conversions}
              previous={previous.conversions}
            />
          </section>
        )}
      </Async>
      <Card title="Trend">
        <Async
          state={series}
          isEmpty={(s) => s.points.every((p) => p[metric] === 0) && s.previous.every((p) => p[metric] === 0)}
          empty="Nothing to draw in this range"
        >
          {(s) => (
            <Suspense fallback={<Loading label="Drawing…" />}>
              <TrendChart points={s.points} previous={s.previous} metric={metric} hourly={s.interval === 'hour'} />
            </Suspense>
          )}
        </Async>
      </Card>
      <div className="grid-2">
        <Card title="Top pages" actions={<Link to={{ pathname: '/pages', search: location.search }}>All pages →</Link>}>
          <Async state={pages} isEmpty={(p) => p.rows.length === 0} empty="No page views">
            {(p) => <BreakdownTable data={p} />}
          </Async>
        </Card>
        <Card
          title="Top channels"
          actions={<Link to={{ pathname: '/sources', search: location.search }}>All sources →</Link>}
        >
          <Async state={channels} isEmpty={(p) => p.rows.length === 0} empty="No sessions">
            {(p) => <BreakdownTable data={p} />}
          </Async>
        </Card>
      </div>
    </>
  );
}

export function Overview() {
  return <RequireSite>{(site) => <OverviewOf site={site} />}</RequireSite>;
}
