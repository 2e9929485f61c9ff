import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import type { Invitation, Member, Role } from '../api/types';
import { useCan } from '../auth/SessionProvider';
import { Async } from '../components/Async';
import { Card, PageTitle } from '../components/Card';
import { CopyButton } from '../components/CopyButton';
import { RoleGate } from '../components/RoleGate';
import { TableWrap } from '../components/TableWrap';
import { formatTime } from '../format';
import { useApi } from '../hooks/useApi';

const ROLES: readonly { readonly value: Role; readonly label: string; readonly what: string }[] = [
  { value: 'viewer', label: 'Viewer', what: 'reports and sites' },
  { value: 'analyst', label: 'Analyst', what: 'also visitors and companies' },
  { value: 'admin', label: 'Admin', what: 'also sites, keys, settings and the team' },
  { value: 'owner', label: 'Owner', what: 'also deleting sites and managing owners' },
];

function TeamView() {
  const owner = useCan('owner');
  const team = useApi<{ members: readonly Member[]; invitations: readonly Invitation[] }>('/api/team');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [link, setLink] = useState<string>();
  const [error, setError] = useState<string>();
  const grantable = ROLES.filter((r) => owner || r.value !== 'owner');

  const act = async (work: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await work();
      team.reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const invite = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      const answer = await api<{ acceptPath: string }>('/api/team/invitations', {
        method: 'POST',
        body: { email, role },
      });
      setLink(`${window.location.origin}${answer.acceptPath}`);
      setEmail('');
    });
  };

  return (
    <>
      <Card title="Invite someone">
        <form className="inline-form" onSubmit={invite}>
          <label className="field">
            <span>E-mail</span>
            <input type="email" value={email} maxLength={320} onChange={(e) => setEmail(e.target.value)} required />
          </label>
          <label className="field">
            <span>Role</span>
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {grantable.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label} – {r.what}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="button primary">
            Invite
          </button>
        </form>
        {link ? (
          <p className="secret" role="status">
            Send this one-time link to them (it works once, for 7 days): <code data-testid="invite-link">{link}</code>{' '}
            <CopyButton text={link} />
          </p>
        ) : null}
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
      </Card>
      <Async state={team}>
        {({ members, invitations }) => (
          <>
            <Card title="Members">
              <TableWrap>
                <table className="table cards" aria-label="Members">
                  <thead>
                    <tr>
                      <th scope="col">E-mail</th>
                      <th scope="col">Role</th>
                      <th scope="col">Since</th>
                      <th scope="col" />
                    </tr>
                  </thead>
                  <tbody>
                    {members.map((m) => (
                      <tr key={m.id}>
                        <td>
                          {m.email} {m.you ? <span className="muted small">(you)</span> : null}
                        </td>
                        <td data-label="Role">
                          <select
                            aria-label={`Role of ${m.email}`}
                            value={m.role}
                            disabled={m.role === 'owner' && !owner}
                            onChange={(e) =>
                              void act(() =>
                                api(`/api/team/members/${m.id}`, { method: 'PATCH', body: { role: e.target.value } }),
                              )
                            }
                          >
                            {ROLES.filter((r) => owner || r.value !== 'owner' || m.role === 'owner').map((r) => (
                              <option key={r.value} value={r.value}>
                                {r.label}
                              </option>
                            ))}
                          </select>
                        </td>
                        <td className="nowrap" data-label="Since">
                          {formatTime(m.createdAt)}
                        </td>
                        <td className="row-actions">
                          {!m.you ? (
                            <button
                              type="button"
                              className="button subtle"
                              disabled={m.role === 'owner' && !owner}
                              onClick={() =>
                                window.confirm(`Remove ${m.email}?`) &&
                                void act(() => api(`/api/team/members/${m.id}`, { method: 'DELETE' }))
                              }
                            >
                              Remove
                            </button>
                          ) : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            </Card>
            <Card title="Pending invitations">
              {invitations.length === 0 ? (
                <p className="muted">None.</p>
              ) : (
                <ul className="plain-list">
                  {invitations.map((i) => (
                    <li key={i.id}>
                      <span>
                        {i.email} · {i.role} <span className="muted small">until {formatTime(i.expiresAt)}</span>
                      </span>
                      <button
                        type="button"
                        className="button subtle"
                        onClick={() => void act(() => api(`/api/team/invitations/${i.id}`, { method: 'DELETE' }))}
                      >
                        Withdraw
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          </>
        )}
      </Async>
    </>
  );
}

export function Team() {
  return (
    <>
      <PageTitle title="Team">Who can see and change what.</PageTitle>
      <RoleGate needs="admin">
        <TeamView />
      </RoleGate>
    </>
  );
}
