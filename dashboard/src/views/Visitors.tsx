import { type FormEvent, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { CompanySummary, Page, PersonSummary, Site } from '../api/types';
import { Async } from '../components/Async';
import { Card, PageTitle } from '../components/Card';
import { Pager } from '../components/Pager';
import { RequireSite } from '../components/RequireSite';
import { RoleGate } from '../components/RoleGate';
import { RouteNotice } from '../components/RouteNotice';
import { TableWrap } from '../components/TableWrap';
import { formatAgo, formatNumber, formatTime } from '../format';
import { useApi } from '../hooks/useApi';

export function PersonTable({ page, search }: { page: Page<PersonSummary>; search: string }) {
  return (
    <TableWrap>
      <table className="table cards" aria-label="Persons">
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
              <td data-label="Company">{p.companies.map((c) => c.name ?? c.domain).join(', ') || '–'}</td>
              <td className="num" data-label="Sessions">
                {formatNumber(p.sessions)}
              </td>
              <td className="nowrap" data-label="First seen">
                {formatTime(p.firstSeenAt)}
              </td>
              <td className="nowrap" data-label="Last seen">
                {formatAgo(p.lastSeenAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The persons list's filters, kept in the URL (`?q=&identified=false&company=`) so a filtered list can be shared. */
function usePersonFilters() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q')?.trim() ?? '';
  const identified = params.get('identified') !== 'false';
  const companyParam = params.get('company') ?? '';
  const companyId = UUID.test(companyParam) ? companyParam : '';
  const update = (changes: Record<string, string | undefined>) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        for (const [key, value] of Object.entries(changes)) {
          if (value === undefined || value === '') next.delete(key);
          else next.set(key, value);
        }
        return next;
      },
      { replace: true },
    );
  return { q, identified, companyId, update };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const companyLabel = (c: { name: string | null; domain: string | null; id: string }) =>
  c.name ?? c.domain ?? c.id.slice(0, 8);

/** The companies to filter by: the site's first hundred, and the chosen one should it be further down. */
function CompanyFilter({ site, value, onChange }: { site: Site; value: string; onChange: (id: string) => void }) {
  const companies = useApi<Page<CompanySummary>>(`/api/sites/${site.id}/companies`, { limit: 100 });
  const listed = companies.data?.rows ?? [];
  const chosen = useApi<{ company: Pick<CompanySummary, 'id' | 'domain' | 'name'> }>(
    value && companies.data && !listed.some((c) => c.id === value) ? `/api/sites/${site.id}/companies/${value}` : null,
    { limit: 1 },
  );
  const options: readonly Pick<CompanySummary, 'id' | 'domain' | 'name'>[] = chosen.data
    ? [chosen.data.company, ...listed]
    : listed;
  return (
    <label className="field inline">
      <span>Company</span>
      <select
        aria-label="Company"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={!companies.data && !value}
      >
        <option value="">{companies.error ? 'Any company (list unavailable)' : 'Any company'}</option>
        {value && !options.some((c) => c.id === value) ? <option value={value}>{value.slice(0, 8)}…</option> : null}
        {options.map((c) => (
          <option key={c.id} value={c.id}>
            {companyLabel(c)}
          </option>
        ))}
      </select>
    </label>
  );
}

function VisitorsOf({ site }: { site: Site }) {
  const filters = usePersonFilters();
  const { q, identified, companyId } = filters;
  const [draft, setDraft] = useState(q);
  const [offset, setOffset] = useState(0);
  // A new question starts at its first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the reset is the point
  useEffect(() => setOffset(0), [q, identified, companyId, site.id]);
  // Back and forward change the URL under the search box.
  useEffect(() => setDraft(q), [q]);
  const state = useApi<Page<PersonSummary>>(`/api/sites/${site.id}/persons`, {
    q: q || undefined,
    identified,
    companyId: companyId || undefined,
    limit: 25,
    offset,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    filters.update({ q: draft.trim() });
  };
  const filtered = Boolean(q || companyId || !identified);
  return (
    <Card>
      <form className="search" onSubmit={submit} aria-label="Filter visitors">
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
        <CompanyFilter site={site} value={companyId} onChange={(id) => filters.update({ company: id })} />
        <label className="check">
          <input
            type="checkbox"
            checked={identified}
            onChange={(e) => filters.update({ identified: e.target.checked ? undefined : 'false' })}
          />
          Identified only
        </label>
        {filtered ? (
          <button
            type="button"
            className="button subtle"
            onClick={() => {
              setDraft('');
              filters.update({ q: undefined, company: undefined, identified: undefined });
            }}
          >
            Clear filters
          </button>
        ) : null}
      </form>
      <Async
        state={state}
        isEmpty={(p) => p.rows.length === 0 && offset === 0}
        empty={
          q
            ? `Nobody matches "${q}"${companyId ? ' at this company' : ''}`
            : companyId
              ? `No ${identified ? 'identified ' : ''}visitors at this company`
              : identified
                ? 'No identified visitors yet'
                : 'No visitors yet'
        }
        emptyHint={
          q
            ? 'E-mail search is exact; other searches match the start of a user id.'
            : q || companyId
              ? 'Clear the filters to see everyone.'
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
      <RouteNotice />
      <RoleGate needs="analyst">
        <RequireSite>{(site) => <VisitorsOf site={site} />}</RequireSite>
      </RoleGate>
    </>
  );
}
