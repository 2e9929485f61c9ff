import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { Page, PersonSummary, Site } from '../api/types';
import { Async } from '../components/Async';
import { Card, PageTitle } from '../components/Card';
import { Pager } from '../components/Pager';
import { RequireSite } from '../components/RequireSite';
import { RoleGate } from '../components/RoleGate';
import { useApi } from '../hooks/useApi';
import { PersonTable } from './Visitors';

interface CompanyAnswer {
  readonly company: {
    readonly id: string;
    readonly domain: string | null;
    readonly name: string | null;
    readonly createdAt: string;
  };
  readonly persons: Page<PersonSummary>;
}

/** The Visitors list filtered to this company (everyone, identified or not), keeping the site and range. */
function visitorsOf(companyId: string): string {
  const params = new URLSearchParams(location.search);
  params.set('company', companyId);
  params.set('identified', 'false');
  return `?${params}`;
}

function CompanyOf({ site, companyId }: { site: Site; companyId: string }) {
  const [offset, setOffset] = useState(0);
  const state = useApi<CompanyAnswer>(`/api/sites/${site.id}/companies/${companyId}`, { limit: 25, offset });
  return (
    <Async state={state}>
      {({ company, persons }) => (
        <>
          <PageTitle title={company.name ?? company.domain ?? 'Company'}>{company.domain}</PageTitle>
          <Card
            title="Visitors"
            actions={
              <Link to={{ pathname: '/visitors', search: visitorsOf(company.id) }}>Filter Visitors by it →</Link>
            }
          >
            {persons.rows.length === 0 ? (
              <p className="muted">No visitors of this site at this company.</p>
            ) : (
              <>
                <PersonTable page={persons} search={location.search} />
                <Pager offset={persons.offset} limit={persons.limit} hasMore={persons.hasMore} onChange={setOffset} />
              </>
            )}
          </Card>
        </>
      )}
    </Async>
  );
}

export function Company() {
  const { companyId = '' } = useParams();
  return (
    <RoleGate needs="analyst">
      <p>
        <Link to={{ pathname: '/companies', search: location.search }}>← Companies</Link>
      </p>
      <RequireSite>{(site) => <CompanyOf site={site} companyId={companyId} />}</RequireSite>
    </RoleGate>
  );
}
