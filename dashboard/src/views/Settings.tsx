import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api } from '../api/client';
import type { Site, SiteSettings } from '../api/types';
import { useCan } from '../auth/SessionProvider';
import { Async } from '../components/Async';
import { Card, PageTitle } from '../components/Card';
import { RequireSite } from '../components/RequireSite';
import { useApi } from '../hooks/useApi';
import { ChannelRulesEditor } from '../settings/ChannelRulesEditor';
import {
  type EditableRule,
  editableRules,
  fieldLabel,
  patternsText,
  savedPatterns,
  savedRules,
} from '../settings/classification-fields';

function SettingsForm({ site, initial }: { site: Site; initial: SiteSettings }) {
  const admin = useCan('admin');
  const [form, setForm] = useState(initial);
  const [rules, setRules] = useState<EditableRule[]>(() => editableRules(initial.channelRules));
  const [patterns, setPatterns] = useState(() => patternsText(initial.affiliatePatterns));
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const show = (settings: SiteSettings) => {
    setForm(settings);
    setRules(editableRules(settings.channelRules));
    setPatterns(patternsText(settings.affiliatePatterns));
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: `show` only sets state
  useEffect(() => show(initial), [initial]);
  const set = <K extends keyof SiteSettings>(key: K, value: SiteSettings[K]) => setForm({ ...form, [key]: value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const { retentionDays, channelRules: _, affiliatePatterns: __, ...rest } = form;
      const saved = await api<SiteSettings>(`/api/sites/${site.id}/settings`, {
        method: 'PATCH',
        body: {
          ...rest,
          ...(retentionDays === null ? {} : { retentionDays }),
          channelRules: savedRules(rules),
          affiliatePatterns: savedPatterns(patterns),
        },
      });
      show(saved);
      setMessage({ kind: 'ok', text: 'Saved.' });
    } catch (e) {
      setMessage({
        kind: 'error',
        text:
          e instanceof ApiError && e.field
            ? `${fieldLabel(e.field)}: ${e.message.replace(`${e.field}: `, '')}`
            : (e as Error).message,
      });
    }
  };
  return (
    <form className="settings" onSubmit={(e) => void submit(e)}>
      <fieldset disabled={!admin}>
        <Card title="Retention">
          <label className="field">
            <span>Keep events and visitors for (days, 30–3650; empty: the deployment's default)</span>
            <input
              type="number"
              min={30}
              max={3650}
              value={form.retentionDays ?? ''}
              onChange={(e) => set('retentionDays', e.target.value === '' ? null : Number(e.target.value))}
            />
          </label>
        </Card>
        <Card title="Consent">
          <label className="check">
            <input
              type="checkbox"
              checked={form.consentDefault === 'granted'}
              onChange={(e) => set('consentDefault', e.target.checked ? 'granted' : 'withheld')}
            />
            Start with consent granted (the snippet gets <code>data-consent="granted"</code>); otherwise cookieless
            until your banner grants it
          </label>
          <label className="check">
            <input type="checkbox" checked={form.honorDnt} onChange={(e) => set('honorDnt', e.target.checked)} />
            Honour Do Not Track
          </label>
          <label className="check">
            <input type="checkbox" checked={form.honorGpc} onChange={(e) => set('honorGpc', e.target.checked)} />
            Honour Global Privacy Control
          </label>
        </Card>
        <Card title="IP truncation">
          <div className="inline-form">
            <label className="field">
              <span>IPv4 bits kept (24 drops the last octet)</span>
              <input
                type="number"
                min={0}
                max={32}
                value={form.ipv4PrefixBits}
                onChange={(e) => set('ipv4PrefixBits', Number(e.target.value))}
              />
            </label>
            <label className="field">
              <span>IPv6 bits kept</span>
              <input
                type="number"
                min={0}
                max={128}
                value={form.ipv6PrefixBits}
                onChange={(e) => set('ipv6PrefixBits', Number(e.target.value))}
              />
            </label>
          </div>
        </Card>
        <Card title="Channel rules">
          <ChannelRulesEditor rules={rules} onChange={setRules} />
        </Card>
        <Card title="Affiliate links">
          <label className="field">
            <span>
              Link patterns, one a line: the URL without <code>https://</code>, <code>*</code> for any run of characters
              (e.g. <code>amzn.to/*</code>, <code>*.awin1.com/cread.php*</code>). Clicks on matching links are affiliate
              clicks.
            </span>
            <textarea rows={5} value={patterns} spellCheck={false} onChange={(e) => setPatterns(e.target.value)} />
          </label>
        </Card>
        <Card title="Phone numbers">
          <label className="field">
            <span>Default phone region</span>
            <input
              type="text"
              maxLength={2}
              value={form.phoneRegion ?? ''}
              onChange={(e) => set('phoneRegion', e.target.value.trim().toUpperCase() || null)}
            />
          </label>
          <p className="muted">
            The two-letter code (e.g. <code>FR</code>, <code>US</code>) of the country whose numbers visitors type
            without a country code, so that <code>06 12 34 56 78</code> and <code>+33 6 12 34 56 78</code> identify one
            person. Empty: phones are kept as typed.
          </p>
        </Card>
        {admin ? (
          <button type="submit" className="button primary">
            Save settings
          </button>
        ) : (
          <p className="muted">Changing settings needs the admin role.</p>
        )}
      </fieldset>
      {message ? (
        <p
          className={message.kind === 'ok' ? 'form-ok' : 'form-error'}
          role={message.kind === 'ok' ? 'status' : 'alert'}
        >
          {message.text}
        </p>
      ) : null}
    </form>
  );
}

function SettingsOf({ site }: { site: Site }) {
  const state = useApi<SiteSettings>(`/api/sites/${site.id}/settings`);
  return <Async state={state}>{(settings) => <SettingsForm site={site} initial={settings} />}</Async>;
}

export function Settings() {
  return (
    <>
      <PageTitle title="Settings">
        Privacy, retention, traffic classification and phone numbers of the chosen site.
      </PageTitle>
      <RequireSite>{(site) => <SettingsOf site={site} />}</RequireSite>
    </>
  );
}
