import type { RetentionCohort, Site } from '../api/types';
import { Async } from '../components/Async';
import { Card, PageTitle } from '../components/Card';
import { RequireSite } from '../components/RequireSite';
import { TableWrap } from '../components/TableWrap';
import { formatNumber, formatPercent } from '../format';
import { useApi } from '../hooks/useApi';
import { useFilters } from '../state/useFilters';

function RetentionOf({ site }: { site: Site }) {
  const { range } = useFilters();
  const state = useApi<{ cohorts: readonly RetentionCohort[]; range: { from: string } }>(
    `/api/sites/${site.id}/stats/retention`,
    range,
  );
  return (
    <Card>
      <Async state={state} isEmpty={(r) => r.cohorts.length === 0} empty="No visitors in this range">
        {(r) => {
          const weeks = Array.from({ length: Math.max(...r.cohorts.map((c) => c.weeks.length)) }, (_, n) => n);
          return (
            <>
              <TableWrap hint="Scroll sideways for later weeks">
                <table className="table cohort" aria-label="Cohorts">
                  <thead>
                    <tr>
                      <th scope="col">First seen (week of)</th>
                      <th scope="col" className="num">
                        Visitors
                      </th>
                      {weeks.map((n) => (
                        <th key={`w${n}`} scope="col" className="num">
                          Week {n}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {r.cohorts.map((c) => (
                      <tr key={c.week}>
                        <td className="nowrap">{c.week}</td>
                        <td className="num">{formatNumber(c.size)}</td>
                        {weeks.map((n) => {
                          const week = c.weeks.find((w) => w.weekNumber === n);
                          const share = week?.retention ?? null;
                          return (
                            <td
                              key={`w${n}`}
                              className="num heat"
                              style={
                                share === null ? undefined : { background: `rgba(79, 70, 229, ${0.08 + share * 0.6})` }
                              }
                              title={week ? `${formatNumber(week.visitors)} visitors` : undefined}
                            >
                              {share === null ? '' : formatPercent(share)}
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
              <p className="muted small">Weeks start on Monday (UTC); the range starts on {r.range.from}.</p>
            </>
          );
        }}
      </Async>
    </Card>
  );
}

export function Retention() {
  return (
    <>
      <PageTitle title="Retention">
        Of the visitors first seen each week, the share who came back in later weeks.
      </PageTitle>
      <RequireSite>{(site) => <RetentionOf site={site} />}</RequireSite>
    </>
  );
}
