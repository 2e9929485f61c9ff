import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, api } from '../api/client';
import type { PersonSummary, SoftLink, SoftLinkPage, SoftLinkReview } from '../api/types';
import { Async } from '../components/Async';
import { Pager } from '../components/Pager';
import { TableWrap } from '../components/TableWrap';
import { formatAgo, formatPercent, formatTime } from '../format';
import { useApi } from '../hooks/useApi';

const PAGE = 25;

type Decision = 'accept' | 'reject';

/** What a reviewer is told after a decision: kept above the list, which may have emptied. */
interface Outcome {
  readonly kind: 'ok' | 'refused' | 'error';
  readonly text: string;
  /** The merged person, to open. */
  readonly personId?: string;
}

const nameOf = (persons: SoftLinkPage['persons'], id: string): string => {
  const person = persons[id];
  if (!person) return `Person ${id.slice(0, 8)}`;
  return person.displayName ?? `Anonymous ${id.slice(0, 8)}`;
};

/** Why the stitching rules refused a merge (`… (limit:user_id) …` in the 409's message), in plain words. */
const REFUSALS: Readonly<Record<string, string>> = {
  'limit:user_id': 'they have different user ids',
  identified: 'both are identified and only a cookie or device joins them',
  shared_device: 'they share a device that stays with the person who identified on it first',
  merge_cap: 'the merge would move more identifiers than one merge may',
};

/** A 409's message, with the reason the identity rules gave spelled out when it is one they give. */
export function refusal(message: string): string {
  const reason = /\(([a-z_:]+)\)/.exec(message)?.[1];
  const plain = reason
    ? (REFUSALS[reason] ??
      (reason.startsWith('limit:') ? `a person may have only so many ${reason.slice(6)} identifiers` : undefined))
    : undefined;
  return plain ? `${message} — ${plain}.` : `${message}.`;
}

/** The signals that proposed a link, as a reviewer reads them. */
export function signalOf(link: Pick<SoftLink, 'evidence'>): string {
  return link.evidence
    .map((e) => {
      if (e.kind === 'email_variant') return 'One inbox, two spellings';
      const times = e.windows === 1 ? 'once' : `${e.windows} times`;
      return `One network and browser, together ${times} (30 min windows)`;
    })
    .join('; ');
}

function PersonCell({ id, person }: { id: string; person: PersonSummary | undefined }) {
  const details = person
    ? [
        person.userId && person.userId !== person.displayName ? `user ${person.userId}` : null,
        `${person.sessions} ${person.sessions === 1 ? 'session' : 'sessions'}`,
        person.lastSeenAt ? `last seen ${formatAgo(person.lastSeenAt)}` : null,
      ].filter(Boolean)
    : [];
  return (
    <div>
      <Link to={{ pathname: `/visitors/${id}`, search: location.search }}>
        {person ? (person.displayName ?? `Anonymous ${id.slice(0, 8)}`) : `Person ${id.slice(0, 8)}`}
      </Link>
      {details.length > 0 ? <div className="muted small">{details.join(' · ')}</div> : null}
    </div>
  );
}

function LinkTable({
  page,
  personId,
  busy,
  onDecide,
}: {
  page: SoftLinkPage;
  personId?: string;
  busy: { readonly id: number; readonly decision: Decision } | undefined;
  onDecide: (link: SoftLink, decision: Decision) => void;
}) {
  return (
    <TableWrap>
      <table className="table cards soft-links" aria-label="Possible matches">
        <thead>
          <tr>
            {personId ? null : <th scope="col">Person</th>}
            <th scope="col">{personId ? 'Possible match' : 'May be the same as'}</th>
            <th scope="col">Signal</th>
            <th scope="col" className="num">
              Score
            </th>
            <th scope="col">Proposed</th>
            <th scope="col" aria-label="Decision" />
          </tr>
        </thead>
        <tbody>
          {page.links.map((link) => {
            // On a person's page only the other person is shown.
            const [first, second] =
              personId && link.personB === personId ? [link.personB, link.personA] : [link.personA, link.personB];
            return (
              <tr key={link.id} data-link-id={link.id}>
                {personId ? null : (
                  <td className="cell">
                    <PersonCell id={first} person={page.persons[first]} />
                  </td>
                )}
                <td className="cell" data-label={personId ? undefined : 'Same as'}>
                  <PersonCell id={second} person={page.persons[second]} />
                </td>
                <td data-label="Signal">{signalOf(link)}</td>
                <td className="num" data-label="Score">
                  {formatPercent(link.score)}
                </td>
                <td className="nowrap" data-label="Proposed">
                  <time dateTime={link.createdAt} title={formatTime(link.createdAt)}>
                    {formatAgo(link.createdAt)}
                  </time>
                </td>
                <td className="row-actions">
                  <span className="row-buttons">
                    <button
                      type="button"
                      className="button primary"
                      disabled={busy !== undefined}
                      onClick={() => onDecide(link, 'accept')}
                    >
                      {busy?.id === link.id && busy.decision === 'accept' ? 'Merging…' : 'Accept'}
                    </button>
                    <button
                      type="button"
                      className="button"
                      disabled={busy !== undefined}
                      onClick={() => onDecide(link, 'reject')}
                    >
                      {busy?.id === link.id && busy.decision === 'reject' ? 'Rejecting…' : 'Reject'}
                    </button>
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}

/**
 * Open soft links of a site (or of one person on it) with Accept and Reject. Nothing is shown as
 * decided before the server answers: every decision, whatever its answer, reloads the list. A merge
 * the identity rules refuse (409) is said as such, and the link stays listed.
 *
 * @example
 * <SoftLinkQueue siteId={site.id} empty="Nothing to review" />
 */
export function SoftLinkQueue({
  siteId,
  personId,
  empty,
  emptyHint,
  onDecided,
}: {
  siteId: string;
  personId?: string;
  empty: string;
  emptyHint?: string;
  /** After a decision was made (the list reloads itself). */
  onDecided?: (review: SoftLinkReview) => void;
}) {
  const [offset, setOffset] = useState(0);
  const [busy, setBusy] = useState<{ id: number; decision: Decision }>();
  const [outcome, setOutcome] = useState<Outcome>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: another site or person starts at its first page
  useEffect(() => setOffset(0), [siteId, personId]);
  // What was decided on another site is not news here; on a person who was just merged into the
  // other one (a new id) it is.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the reset is the point
  useEffect(() => setOutcome(undefined), [siteId]);
  const state = useApi<SoftLinkPage>(`/api/sites/${siteId}/soft-links`, { personId, limit: PAGE, offset });
  // Deciding the last link of a later page leaves it empty: go back a page.
  useEffect(() => {
    if (state.data && state.data.links.length === 0 && offset > 0) setOffset(Math.max(0, offset - PAGE));
  }, [state.data, offset]);

  const decide = async (link: SoftLink, decision: Decision) => {
    const persons = state.data?.persons ?? {};
    const pair = `${nameOf(persons, link.personA)} and ${nameOf(persons, link.personB)}`;
    if (decision === 'accept' && !window.confirm(`Merge ${pair} into one person?`)) return;
    setBusy({ id: link.id, decision });
    setOutcome(undefined);
    try {
      const review = await api<SoftLinkReview>(`/api/sites/${siteId}/soft-links/${link.id}`, {
        method: 'POST',
        body: { decision },
      });
      setOutcome(
        decision === 'accept'
          ? {
              kind: 'ok',
              text: `Merged: ${pair} are now one person.`,
              ...(review.personId ? { personId: review.personId } : {}),
            }
          : { kind: 'ok', text: `Rejected: ${pair} will not be proposed again.` },
      );
      onDecided?.(review);
    } catch (e) {
      const message = (e as Error).message;
      setOutcome(
        e instanceof ApiError && e.status === 409
          ? { kind: 'refused', text: `${decision === 'accept' ? 'Not merged' : 'Not rejected'}: ${refusal(message)}` }
          : { kind: 'error', text: `Could not ${decision} the match of ${pair}: ${message}` },
      );
    } finally {
      setBusy(undefined);
      state.reload();
    }
  };

  return (
    <>
      {outcome ? (
        <p
          className={outcome.kind === 'ok' ? 'form-ok review-outcome' : 'form-error review-outcome'}
          role={outcome.kind === 'ok' ? 'status' : 'alert'}
        >
          {outcome.text}
          {outcome.personId ? (
            <>
              {' '}
              <Link to={{ pathname: `/visitors/${outcome.personId}`, search: location.search }}>Open the person</Link>
            </>
          ) : null}
        </p>
      ) : null}
      <Async state={state} isEmpty={(p) => p.links.length === 0 && offset === 0} empty={empty} emptyHint={emptyHint}>
        {(p) => (
          <>
            <LinkTable
              page={p}
              busy={busy}
              onDecide={(link, d) => void decide(link, d)}
              {...(personId ? { personId } : {})}
            />
            <Pager offset={p.offset} limit={p.limit} hasMore={p.hasMore} onChange={setOffset} />
          </>
        )}
      </Async>
    </>
  );
}
