import type { Realtime as RealtimeData, Site } from '../api/types';
import { Async } from '../components/Async';
import { Card, PageTitle } from '../components/Card';
import { RequireSite } from '../components/RequireSite';
import { TableWrap } from '../components/TableWrap';
import { flag, formatAgo, formatNumber } from '../format';
import { useApi } from '../hooks/useApi';

const POLL_MS = 5_000;

function RealtimeOf({ site }: { site: Site }) {
  const state = useApi<RealtimeData>(`/api/sites/${site.id}/stats/realtime`, {}, { pollMs: POLL_MS });
  return (
    <Async state={state}>
      {(r) => (
        <>
          <div className="grid-2">
            <Card title="Active visitors">
              <div className="big-number" aria-live="polite">
                <span className="live-dot" aria-hidden="true" />
                <span data-testid="active-visitors">{formatNumber(r.activeVisitors)}</span>
              </div>
              <p className="muted">
                in the last 5 minutes · {formatNumber(r.pageviews)} page views · updates every {POLL_MS / 1000} s
              </p>
            </Card>
            <Card title="On these pages now">
              {r.topPages.length === 0 ? (
                <p className="muted">Nobody right now.</p>
              ) : (
                <ul className="plain-list">
                  {r.topPages.map((p) => (
                    <li key={p.path ?? ''}>
                      <span className="cell">{p.path ?? '(none)'}</span>
                      <span className="num">{formatNumber(p.visitors)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          </div>
          <Card title="Live events">
            {r.events.length === 0 ? (
              <p className="muted">No events in the last 5 minutes. Open a page with the snippet to see it here.</p>
            ) : (
              <TableWrap>
                <table className="table cards" aria-label="Live events">
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Event</th>
                      <th scope="col">Page</th>
                      <th scope="col">Source</th>
                      <th scope="col">Where</th>
                      <th scope="col">Device</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.events.map((e) => (
                      <tr key={e.eventId ?? `${e.receivedAt}`}>
                        <td className="nowrap">{formatAgo(e.receivedAt)}</td>
                        <td data-label="Event">{e.name ? `${e.type}: ${e.name}` : e.type}</td>
                        <td className="cell" data-label="Page">
                          {e.path}
                        </td>
                        <td data-label="Source">{e.referrerHost ?? e.channel ?? '–'}</td>
                        <td data-label="Where">
                          {[flag(e.country), e.city ?? e.country].filter(Boolean).join(' ') || '–'}
                        </td>
                        <td data-label="Device">{[e.browser, e.os].filter(Boolean).join(' · ') || '–'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </Card>
        </>
      )}
    </Async>
  );
}

export function Realtime() {
  return (
    <>
      <PageTitle title="Realtime">Who is on the site right now.</PageTitle>
      <RequireSite>{(site) => <RealtimeOf site={site} />}</RequireSite>
    </>
  );
}
