import { Link, useParams } from 'react-router-dom';
import type { PersonDetail } from '../api/types';
import { useCan } from '../auth/SessionProvider';
import { Async } from '../components/Async';
import { Card, PageTitle } from '../components/Card';
import { RoleGate } from '../components/RoleGate';
import { formatTime } from '../format';
import { useApi } from '../hooks/useApi';
import { PersonRights } from './PersonRights';
import { SoftLinkQueue } from './SoftLinkQueue';

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function PersonOf({ personId }: { personId: string }) {
  const state = useApi<PersonDetail>(`/api/persons/${personId}`);
  const admin = useCan('admin');
  return (
    <Async state={state}>
      {({ person, sessions, events, redirectedFrom }) => {
        const name =
          person.identifiers.find((i) => i.type === 'email')?.value ??
          person.identifiers.find((i) => i.type === 'user_id')?.value ??
          `Anonymous ${person.id.slice(0, 8)}`;
        return (
          <>
            <PageTitle
              title={name}
              actions={admin ? <PersonRights key={person.id} personId={person.id} name={name} /> : undefined}
            >
              First seen {formatTime(person.firstSeenAt)}
              {redirectedFrom ? ` · ${redirectedFrom.slice(0, 8)} was merged into this person` : ''}
            </PageTitle>
            <div className="grid-2">
              <Card title="Identities">
                <dl className="pairs">
                  {person.identifiers.map((i) => (
                    <div key={`${i.type}:${i.value}`}>
                      <dt>{i.type}</dt>
                      <dd>{i.value ?? <span className="muted">(erased)</span>}</dd>
                    </div>
                  ))}
                </dl>
              </Card>
              <Card title="Traits">
                {Object.keys(person.traits).length === 0 ? (
                  <p className="muted">No traits.</p>
                ) : (
                  <dl className="pairs">
                    {Object.entries(person.traits).map(([key, value]) => (
                      <div key={key}>
                        <dt>{key}</dt>
                        <dd>{show(value)}</dd>
                      </div>
                    ))}
                  </dl>
                )}
              </Card>
              <Card title="Companies">
                {person.companies.length === 0 ? (
                  <p className="muted">None known.</p>
                ) : (
                  <ul className="plain-list">
                    {person.companies.map((c) => (
                      <li key={c.id}>
                        <Link to={{ pathname: `/companies/${c.id}`, search: location.search }}>
                          {c.name ?? c.domain}
                        </Link>
                        <span className="muted small">{c.source.replace('_', ' ')}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </Card>
              <Card title="Merge history">
                {person.merges.length === 0 ? (
                  <p className="muted">Never merged.</p>
                ) : (
                  <ul className="plain-list">
                    {person.merges.map((m) => (
                      <li key={`${m.from}-${m.mergedAt}`}>
                        <span>
                          {m.from.slice(0, 8)} → {m.into.slice(0, 8)} <span className="muted small">({m.rule})</span>
                        </span>
                        <span className="muted small">{formatTime(m.mergedAt)}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </Card>
            </div>
            <Card title="Possible matches">
              <SoftLinkQueue
                siteId={person.siteId}
                personId={person.id}
                empty="No possible matches"
                emptyHint="Persons that weak signals (one inbox spelled two ways, one network and browser) say may be this one."
                onDecided={(review) => {
                  // An accepted match changes this person: identities, merge history, sessions.
                  if (review.status === 'accepted') state.reload();
                }}
              />
            </Card>
            <Card title={`Sessions (${sessions.length})`}>
              {sessions.length === 0 ? (
                <p className="muted">No sessions recorded.</p>
              ) : (
                <ol className="timeline" aria-label="Sessions timeline">
                  {sessions.map((s) => (
                    <li key={s.sessionId}>
                      <div className="when">{formatTime(s.startedAt)}</div>
                      <div>
                        <div className="cell">{s.entryUrl ?? '(no page)'}</div>
                        <div className="muted small">
                          {s.eventCount} events{s.referrer ? ` · from ${s.referrer}` : ''} · until{' '}
                          {formatTime(s.lastEventAt)}
                        </div>
                        <ul className="events">
                          {events
                            .filter((e) => e.sessionId === s.sessionId)
                            .map((e) => (
                              <li key={e.eventId}>
                                <span className="tag">{e.type}</span> {e.name ?? e.url ?? ''}
                              </li>
                            ))}
                        </ul>
                      </div>
                    </li>
                  ))}
                </ol>
              )}
            </Card>
          </>
        );
      }}
    </Async>
  );
}

export function Person() {
  const { personId = '' } = useParams();
  return (
    <RoleGate needs="analyst">
      <p>
        <Link to={{ pathname: '/visitors', search: location.search }}>← Visitors</Link>
      </p>
      <PersonOf personId={personId} />
    </RoleGate>
  );
}
