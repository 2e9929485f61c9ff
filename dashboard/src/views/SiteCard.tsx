import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client';
import type { Site } from '../api/types';
import { useCan } from '../auth/SessionProvider';
import { Card } from '../components/Card';
import { CopyButton } from '../components/CopyButton';
import { formatAgo } from '../format';
import { useApi } from '../hooks/useApi';

type Installation = Site['installation'];

export function InstallationBadge({ installation }: { installation: Installation }) {
  const text =
    installation.status === 'waiting'
      ? 'Waiting for the first event'
      : installation.status === 'receiving'
        ? `Receiving events · last ${formatAgo(installation.lastEventAt)}`
        : `Quiet · last event ${formatAgo(installation.lastEventAt)}`;
  return (
    <span className={`badge ${installation.status}`} data-testid="installation-status">
      {text}
    </span>
  );
}

/** One site: installation status (watched while waiting), its snippet, allowed origins and keys. */
export function SiteCard({ site, onChanged }: { site: Site; onChanged: () => void }) {
  const admin = useCan('admin');
  const snippet = useApi<{ snippet: string }>(`/api/sites/${site.id}/snippet`);
  const installation = useApi<Installation>(
    `/api/sites/${site.id}/installation`,
    {},
    site.installation.status === 'waiting' ? { pollMs: 5_000 } : {},
  );
  const [origins, setOrigins] = useState(site.allowedOrigins.join('\n'));
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const [newWriteKey, setNewWriteKey] = useState<string>();

  const saveOrigins = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const allowedOrigins = origins
        .split(/\s+/)
        .map((o) => o.trim())
        .filter(Boolean);
      await api(`/api/sites/${site.id}`, { method: 'PATCH', body: { allowedOrigins } });
      setMessage({ kind: 'ok', text: 'Allowed origins saved.' });
      onChanged();
    } catch (e) {
      setMessage({
        kind: 'error',
        text: e instanceof ApiError && e.field ? `${e.field}: ${e.message}` : (e as Error).message,
      });
    }
  };
  const rotate = async (key: 'write' | 'site') => {
    const warning =
      key === 'write'
        ? 'Replace the write key? Server-side senders using the old one will be refused.'
        : 'Replace the site key? Pages must get the new snippet, or their events will be refused.';
    if (!window.confirm(warning)) return;
    try {
      const answer = await api<{ writeKey?: string }>(`/api/sites/${site.id}/keys/rotate`, {
        method: 'POST',
        body: { key },
      });
      setNewWriteKey(answer.writeKey);
      setMessage({
        kind: 'ok',
        text:
          key === 'write'
            ? 'New write key below; it is shown only now.'
            : 'New site key: update the snippet on your pages.',
      });
      snippet.reload();
      onChanged();
    } catch (e) {
      setMessage({ kind: 'error', text: (e as Error).message });
    }
  };

  return (
    <Card title={site.name} actions={<InstallationBadge installation={installation.data ?? site.installation} />}>
      <p className="muted">
        {site.domain} · site key <code>{site.siteKey}</code>
      </p>
      <div className="snippet">
        <div className="snippet-head">
          <strong>Snippet</strong>
          {snippet.data ? <CopyButton text={snippet.data.snippet} label="Copy snippet" /> : null}
        </div>
        <pre data-testid="snippet">{snippet.data?.snippet ?? (snippet.error ? snippet.error.message : 'Loading…')}</pre>
        <p className="muted small">
          Paste it into the &lt;head&gt; of every page. Visits appear on Overview and Realtime within seconds.
        </p>
      </div>
      {newWriteKey ? (
        <div className="secret" role="status">
          Write key: <code>{newWriteKey}</code> <CopyButton text={newWriteKey} />
        </div>
      ) : null}
      {admin ? (
        <>
          <form className="origins" onSubmit={(e) => void saveOrigins(e)}>
            <label className="field">
              <span>Allowed origins besides {site.domain} and its subdomains (one per line)</span>
              <textarea
                rows={3}
                value={origins}
                onChange={(e) => setOrigins(e.target.value)}
                placeholder="https://shop.example.com&#10;*.cdn.example"
              />
            </label>
            <button type="submit" className="button">
              Save origins
            </button>
          </form>
          <div className="actions">
            <button type="button" className="button" onClick={() => void rotate('write')}>
              Rotate write key
            </button>
            <button type="button" className="button" onClick={() => void rotate('site')}>
              Rotate site key
            </button>
          </div>
        </>
      ) : null}
      {message ? (
        <p
          className={message.kind === 'ok' ? 'form-ok' : 'form-error'}
          role={message.kind === 'ok' ? 'status' : 'alert'}
        >
          {message.text}
        </p>
      ) : null}
    </Card>
  );
}
