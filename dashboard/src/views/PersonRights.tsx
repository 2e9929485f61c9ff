import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import type { ErasureReport, PersonExport } from '../api/types';
import type { NoticeState } from '../components/RouteNotice';
import { formatTime } from '../format';

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Hands `data` to the browser as a JSON file download named `fileName`. */
function downloadJson(fileName: string, data: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has handed the file to the download; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** What the visitors list says after an erasure: the short id only, not the erased person's e-mail. */
function erasureNotice(report: ErasureReport): string {
  const who = `person ${report.personId.slice(0, 8)}`;
  if (report.alreadyErased) return `The ${who} had already been erased; nothing more was done.`;
  const merged = report.erasedPersonIds.length - 1;
  return (
    `Erased ${who}${merged > 0 ? ` and the ${count(merged, 'person')} merged into them` : ''}: ` +
    `${count(report.identifiersDeleted, 'identifier')}, ${count(report.eventsDeleted, 'event')}, ` +
    `${count(report.sessionsDeleted, 'session')} and ${count(report.rawEventsDeleted, 'raw event')} deleted, ` +
    `${count(report.keysShredded, 'key')} shredded` +
    (report.conversionsPseudonymized > 0
      ? `; taken out of ${count(report.conversionsPseudonymized, 'conversion')} (the sales are kept).`
      : '.') +
    (report.lakeErasurePending ? ' Their events leave the lake with the next daily maintenance.' : '')
  );
}

/**
 * The person page's data-protection actions, shown to admins only (the server refuses others): export
 * everything held on the person as `person-<id>.json` (right of access), and erase them, after a
 * confirmation, going back to Visitors, which says what was erased (right to erasure).
 *
 * @example
 * <PageTitle title={name} actions={admin ? <PersonRights personId={person.id} name={name} /> : undefined} />
 */
export function PersonRights({ personId, name }: { personId: string; name: string }) {
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ kind: 'ok' | 'error'; text: string }>();

  const exportData = async () => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const data = await api<PersonExport>(`/api/persons/${personId}/export`);
      if (data.erased) {
        setOutcome({
          kind: 'error',
          text: `${name} was erased on ${formatTime(data.erasedAt)}: nothing is left to export.`,
        });
      } else {
        const fileName = `person-${data.personId}.json`;
        downloadJson(fileName, data);
        setOutcome({ kind: 'ok', text: `Exported everything held on ${name} to ${fileName}.` });
      }
    } catch (e) {
      setOutcome({ kind: 'error', text: `Could not export ${name}: ${(e as Error).message}` });
    } finally {
      setBusy(false);
    }
  };

  const erase = async () => {
    const question =
      `Erase ${name} for good? Their identities, traits and raw events are deleted and their keys shredded, ` +
      'with those of everyone merged into them. This cannot be undone.';
    if (!window.confirm(question)) return;
    setBusy(true);
    setOutcome(undefined);
    try {
      const report = await api<ErasureReport>(`/api/persons/${personId}`, { method: 'DELETE' });
      // Replacing the entry: Back does not lead to a page of someone who is no longer there.
      navigate(
        { pathname: '/visitors', search: location.search },
        { replace: true, state: { notice: erasureNotice(report) } satisfies NoticeState },
      );
    } catch (e) {
      setOutcome({ kind: 'error', text: `Could not erase ${name}: ${(e as Error).message}` });
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" className="button" disabled={busy} onClick={() => void exportData()}>
        Export data
      </button>
      <button type="button" className="button danger" disabled={busy} onClick={() => void erase()}>
        Erase person
      </button>
      {outcome ? (
        <p
          className={outcome.kind === 'ok' ? 'form-ok' : 'form-error'}
          role={outcome.kind === 'ok' ? 'status' : 'alert'}
        >
          {outcome.text}
        </p>
      ) : null}
    </>
  );
}
