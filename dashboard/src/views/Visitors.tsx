import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import type { Page, PersonSummary, Site } from '../api/types';
import { Async } from '../components/Async';
import { Card, PageTitle } from '../components/Card';
import { Pager } from '../components/Pager';
import { RequireSite } from '../components/RequireSite';
import { RoleGate } from '../components/RoleGate';
import { formatAgo, formatNumber, formatTime } from '../format';
import { useApi } from '../hooks/useApi';

export function PersonTable({ page, search }: { page: Page<PersonSummary>; search: string }) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Persons">
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Company</th>
            <th scope="col" className="num">
              Sessions
            </th>
            <th scope="col">First seen</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {page.rows.map((p) => (
            <tr key={p.id}>
              <td>
                <Link to={{ pathname: `/visitors/${p.id}`, search }}>
                  {p.displayName ?? `Anonymous ${p.id.slice(0, 8)}`}
                </Link>
                {typeof p.traits.name === 'string' ? <div className="muted small">{p.traits.name}</div> : null}
              </td>
              <td>{p.companies.map((c) => c.name ?? c.domain).join(', ') || '–'}</td>
              <td className="num">{formatNumber(p.sessions)}</td>
              <td className="nowrap">{formatTime(p.firstSeenAt)}</td>
              <td className="nowrap">{formatAgo(p.lastSeenAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function VisitorsOf({ site }: { site: Site }) {
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const [identified, setIdentified] = useState(true);
  const [offset, setOffset] = useState(0);
  const state = useApi<Page<PersonSummary>>(`/api/sites/${site.id}/persons`, {
    q: q || undefined,
    identified,
    limit: 25,
    offset,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setOffset(0);
    setQ(draft.trim());
  };
  return (
    <Card>
      <form className="search" onSubmit={submit}>
        <input
          type="search"
          aria-label="Search visitors"
          placeholder="E-mail address, or the start of a user id"
          value={draft}
          maxLength={320}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" className="button">
          Search
        </button>
        <label className="check">
          <input
            type="checkbox"
            checked={identified}
            onChange={(e) => {
              setOffset(0);
              setIdentified(e.target.checked);
            }}
          />
          Identified only
        </label>
      </form>
      <Async
        state={state}
        isEmpty={(p) => p.rows.length === 0 && offset === 0}
        empty={q ? `Nobody matches "${q}"` : 'No identified visitors yet'}
        emptyHint={
          q
            ? 'E-mail search is exact; other searches match the start of a user id.'
            : "Call sightline('identify', userId, { email }) when someone signs in."
        }
      >
        {(p) => (
          <>
            <PersonTable page={p} search={location.search} />
            <Pager offset={p.offset} limit={p.limit} hasMore={p.hasMore} onChange={setOffset} />
          </>
        )}
      </Async>
    </Card>
  );
}

export function Visitors() {
  return (
    <>
      <PageTitle title="Visitors">
        People who identified themselves (sign-in, forms, server-side calls), with their visits.
      </PageTitle>
      <RoleGate needs="analyst">
        <RequireSite>{(site) => <VisitorsOf site={site} />}</RequireSite>
      </RoleGate>
    </>
  );
}
