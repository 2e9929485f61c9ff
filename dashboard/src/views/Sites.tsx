import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client';
import type { Site } from '../api/types';
import { useCan } from '../auth/SessionProvider';
import { Async } from '../components/Async';
import { Card, PageTitle } from '../components/Card';
import { CopyButton } from '../components/CopyButton';
import { useSites } from '../state/SitesProvider';
import { useFilters } from '../state/useFilters';
import { SiteCard } from './SiteCard';

interface Created {
  readonly site: Site;
  readonly writeKey: string;
  readonly snippet: string;
}

function CreateSite({ onCreated }: { onCreated: (created: Created) => void }) {
  const [domain, setDomain] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onCreated(
        await api<Created>('/api/sites', {
          method: 'POST',
          body: { domain, ...(name.trim() ? { name: name.trim() } : {}) },
        }),
      );
      setDomain('');
      setName('');
    } catch (e) {
      setError(e instanceof ApiError && e.field ? `${e.field}: ${e.message}` : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="Add a site">
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span>Domain</span>
          <input
            name="domain"
            placeholder="shop.example.com"
            value={domain}
            maxLength={253}
            onChange={(e) => setDomain(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span>Name (optional)</span>
          <input
            name="name"
            placeholder="Shop"
            value={name}
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button type="submit" className="button primary" disabled={busy}>
          Create site
        </button>
      </form>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </Card>
  );
}

/** Sites: create one, copy its snippet, allowed origins, keys, and whether events arrive. */
export function Sites() {
  const sites = useSites();
  const admin = useCan('admin');
  const { setSite } = useFilters();
  const [created, setCreated] = useState<Created>();
  return (
    <>
      <PageTitle title="Sites">Each site has its own snippet and keys; events are kept apart per site.</PageTitle>
      {admin ? (
        <CreateSite
          onCreated={(c) => {
            setCreated(c);
            sites.reload();
            setSite(c.site.id);
          }}
        />
      ) : (
        <p className="muted" data-testid="admin-only">
          Creating sites and rotating keys needs the admin role.
        </p>
      )}
      {created ? (
        <Card title={`${created.site.name} is ready`}>
          <p>Paste this snippet into the &lt;head&gt; of every page of {created.site.domain}:</p>
          <pre data-testid="new-site-snippet">{created.snippet}</pre>
          <CopyButton text={created.snippet} label="Copy snippet" />
          <p className="secret">
            Write key (for server-side and Segment-compatible calls), shown only now:{' '}
            <code data-testid="write-key">{created.writeKey}</code> <CopyButton text={created.writeKey} />
          </p>
        </Card>
      ) : null}
      <Async state={sites} isEmpty={(s) => s.sites.length === 0} empty="No sites yet">
        {(s) => (
          <div className="stack">
            {s.sites.map((site) => (
              <SiteCard key={site.id} site={site} onChanged={sites.reload} />
            ))}
          </div>
        )}
      </Async>
    </>
  );
}
