import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import type { CompanySummary, Page, Site } from '../api/types';
import { Async } from '../components/Async';
import { Card, PageTitle } from '../components/Card';
import { Pager } from '../components/Pager';
import { RequireSite } from '../components/RequireSite';
import { RoleGate } from '../components/RoleGate';
import { TableWrap } from '../components/TableWrap';
import { formatNumber, formatTime } from '../format';
import { useApi } from '../hooks/useApi';

function CompaniesOf({ site }: { site: Site }) {
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const state = useApi<Page<CompanySummary>>(`/api/sites/${site.id}/companies`, {
    q: q || undefined,
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
          aria-label="Search companies"
          placeholder="Domain or name"
          value={draft}
          maxLength={253}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" className="button">
          Search
        </button>
      </form>
      <Async
        state={state}
        isEmpty={(p) => p.rows.length === 0 && offset === 0}
        empty={q ? `No company matches "${q}"` : 'No companies yet'}
        emptyHint="Companies come from work e-mail domains and group calls."
      >
        {(p) => (
          <>
            <TableWrap>
              <table className="table cards" aria-label="Companies">
                <thead>
                  <tr>
                    <th scope="col">Company</th>
                    <th scope="col">Domain</th>
                    <th scope="col" className="num">
                      Visitors
                    </th>
                    <th scope="col">First seen</th>
                  </tr>
                </thead>
                <tbody>
                  {p.rows.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <Link to={{ pathname: `/companies/${c.id}`, search: location.search }}>
                          {c.name ?? c.domain ?? c.id.slice(0, 8)}
                        </Link>
                      </td>
                      <td data-label="Domain">{c.domain ?? '–'}</td>
                      <td className="num" data-label="Visitors">
                        {formatNumber(c.persons)}
                      </td>
                      <td className="nowrap" data-label="First seen">
                        {formatTime(c.firstSeenAt)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
            <Pager offset={p.offset} limit={p.limit} hasMore={p.hasMore} onChange={setOffset} />
          </>
        )}
      </Async>
    </Card>
  );
}

export function Companies() {
  return (
    <>
      <PageTitle title="Companies">Organizations your visitors belong to.</PageTitle>
      <RoleGate needs="analyst">
        <RequireSite>{(site) => <CompaniesOf site={site} />}</RequireSite>
      </RoleGate>
    </>
  );
}
