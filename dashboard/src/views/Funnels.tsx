import { type FormEvent, lazy, Suspense, useState } from 'react';
import type { FunnelStep, Site } from '../api/types';
import { Async } from '../components/Async';
import { Card, PageTitle } from '../components/Card';
import { RequireSite } from '../components/RequireSite';
import { Loading } from '../components/States';
import { TableWrap } from '../components/TableWrap';
import { formatNumber, formatPercent } from '../format';
import { useApi } from '../hooks/useApi';
import { useFilters } from '../state/useFilters';

const BarsChart = lazy(() => import('../charts/BarsChart').then((m) => ({ default: m.BarsChart })));

/** Steps 1–4: the first two are required. */
const STEPS = [0, 1, 2, 3] as const;

const WINDOWS = [
  { seconds: 3_600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 7 * 86_400, label: '7 days' },
  { seconds: 30 * 86_400, label: '30 days' },
];

function FunnelOf({ site }: { site: Site }) {
  const { range } = useFilters();
  const [draft, setDraft] = useState(['/', '/pricing', '', '']);
  const [asked, setAsked] = useState<{ steps: string; windowSeconds: number }>();
  const [windowSeconds, setWindowSeconds] = useState(86_400);
  const state = useApi<{ steps: readonly FunnelStep[] }>(
    asked ? `/api/sites/${site.id}/stats/funnel` : null,
    asked ? { ...range, ...asked } : {},
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAsked({
      steps: draft
        .map((s) => s.trim())
        .filter(Boolean)
        .join(','),
      windowSeconds,
    });
  };

  return (
    <>
      <Card title="Steps">
        <form className="funnel-form" onSubmit={submit}>
          {STEPS.map((i) => (
            <label key={`step-${i + 1}`} className="field">
              <span>
                Step {i + 1}
                {i >= 2 ? ' (optional)' : ''}
              </span>
              <input
                value={draft[i]}
                placeholder={i === 0 ? '/landing' : 'page path or event name'}
                maxLength={200}
                required={i < 2}
                onChange={(e) => setDraft(draft.map((s, j) => (j === i ? e.target.value : s)))}
              />
            </label>
          ))}
          <label className="field">
            <span>Within</span>
            <select value={windowSeconds} onChange={(e) => setWindowSeconds(Number(e.target.value))}>
              {WINDOWS.map((w) => (
                <option key={w.seconds} value={w.seconds}>
                  {w.label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="button primary">
            Show funnel
          </button>
        </form>
      </Card>
      {asked ? (
        <Card title="Conversion">
          <Async
            state={state}
            isEmpty={(f) => f.steps.every((s) => s.visitors === 0)}
            empty="Nobody took step 1 in this range"
          >
            {(f) => (
              <>
                <Suspense fallback={<Loading />}>
                  <BarsChart
                    label="Visitors per step"
                    data={f.steps.map((s) => ({ name: `${s.step}. ${s.key ?? ''}`, value: s.visitors }))}
                  />
                </Suspense>
                <TableWrap>
                  <table className="table" aria-label="Funnel steps">
                    <thead>
                      <tr>
                        <th scope="col">Step</th>
                        <th scope="col" className="num">
                          Visitors
                        </th>
                        <th scope="col" className="num">
                          Of step 1
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {f.steps.map((s) => (
                        <tr key={s.step}>
                          <td>
                            {s.step}. {s.key}
                          </td>
                          <td className="num">{formatNumber(s.visitors)}</td>
                          <td className="num">{formatPercent(s.conversionRate)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              </>
            )}
          </Async>
        </Card>
      ) : (
        <p className="muted">Enter two to four page paths or event names, in order.</p>
      )}
    </>
  );
}

export function Funnels() {
  return (
    <>
      <PageTitle title="Funnels">
        Visitors who went through the steps in order, each within the window of the first.
      </PageTitle>
      <RequireSite>{(site) => <FunnelOf site={site} />}</RequireSite>
    </>
  );
}
