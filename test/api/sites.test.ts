import { hashWriteKey } from '../../lambdas/collection/site-registry';
import { type ApiFixture, createApiFixture, ORIGIN } from './support/api-fixture';

describe('sites', () => {
  let api: ApiFixture;

  beforeAll(async () => {
    api = await createApiFixture();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('creates a site, showing its write key once and the snippet to install', async () => {
    // Act
    const created = await api.call('/api/sites', {
      method: 'POST',
      body: { domain: 'https://Shop.Example.com/', name: 'Shop', allowedOrigins: ['*.cdn.example'] },
      as: api.members.admin,
    });
    const listed = await api.call('/api/sites', { as: api.members.viewer });

    // Assess
    expect(created.status).toBe(201);
    const { site, writeKey, snippet } = created.body;
    expect(site).toMatchObject({
      name: 'Shop',
      domain: 'shop.example.com',
      allowedOrigins: ['*.cdn.example'],
      installation: { status: 'waiting', lastEventAt: null },
    });
    expect(writeKey).toMatch(/^sk_/);
    expect(snippet).toContain(`<script async src="${ORIGIN}/s.js" data-site="${site.siteKey}"></script>`);
    const stored = await api.sql.db
      .selectFrom('sites')
      .select('write_key_hash')
      .where('id', '=', site.id)
      .executeTakeFirstOrThrow();
    expect(stored.write_key_hash).toBe(hashWriteKey(writeKey));
    expect(JSON.stringify(listed.body)).not.toContain(writeKey);
  });

  it('reports a site receiving once an event was seen, and quiet after a day without', async () => {
    // Prepare
    await api.sql.db
      .updateTable('sites')
      .set({ last_event_at: new Date(Date.now() - 60_000) })
      .where('id', '=', api.siteId)
      .execute();

    // Act
    const receiving = await api.call(`/api/sites/${api.siteId}/installation`, { as: api.members.viewer });
    await api.sql.db
      .updateTable('sites')
      .set({ last_event_at: new Date(Date.now() - 2 * 86_400_000) })
      .where('id', '=', api.siteId)
      .execute();
    const quiet = await api.call(`/api/sites/${api.siteId}/installation`, { as: api.members.viewer });

    // Assess
    expect(receiving.body.status).toBe('receiving');
    expect(quiet.body.status).toBe('quiet');
  });

  it('rotates the write key, so the old one no longer matches', async () => {
    // Prepare
    const before = await api.sql.db
      .selectFrom('sites')
      .select(['write_key_hash', 'site_key'])
      .where('id', '=', api.siteId)
      .executeTakeFirstOrThrow();

    // Act
    const answer = await api.call(`/api/sites/${api.siteId}/keys/rotate`, {
      method: 'POST',
      body: { key: 'write' },
      as: api.members.admin,
    });

    // Assess
    const after = await api.sql.db
      .selectFrom('sites')
      .select(['write_key_hash', 'site_key'])
      .where('id', '=', api.siteId)
      .executeTakeFirstOrThrow();
    expect(answer.status).toBe(200);
    expect(after.write_key_hash).toBe(hashWriteKey(answer.body.writeKey));
    expect(after.write_key_hash).not.toBe(before.write_key_hash);
    expect(after.site_key).toBe(before.site_key);
  });

  it('rotates the site key and answers with the new snippet', async () => {
    // Act
    const answer = await api.call(`/api/sites/${api.siteId}/keys/rotate`, {
      method: 'POST',
      body: { key: 'site' },
      as: api.members.owner,
    });

    // Assess
    expect(answer.body.writeKey).toBeUndefined();
    expect(answer.body.snippet).toContain(`data-site="${answer.body.site.siteKey}"`);
  });

  it('answers a change with nothing in it with the site as it is', async () => {
    // Prepare
    const before = await api.call(`/api/sites/${api.siteId}`, { as: api.members.viewer });

    // Act
    const answer = await api.call(`/api/sites/${api.siteId}`, { method: 'PATCH', body: {}, as: api.members.admin });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.site.name).toBe(before.body.site.name);
    expect(answer.body.site.allowedOrigins).toEqual(before.body.site.allowedOrigins);
  });

  it('changes settings field by field, keeping the others, and puts the consent default into the snippet', async () => {
    // Act
    const first = await api.call(`/api/sites/${api.siteId}/settings`, {
      method: 'PATCH',
      body: { retentionDays: 395, ipv4PrefixBits: 16 },
      as: api.members.admin,
    });
    const second = await api.call(`/api/sites/${api.siteId}/settings`, {
      method: 'PATCH',
      body: { consentDefault: 'granted', honorDnt: false },
      as: api.members.admin,
    });
    const snippet = await api.call(`/api/sites/${api.siteId}/snippet`, { as: api.members.viewer });

    // Assess
    expect(first.body).toEqual({
      retentionDays: 395,
      ipv4PrefixBits: 16,
      ipv6PrefixBits: 48,
      honorDnt: true,
      honorGpc: true,
      consentDefault: 'withheld',
      channelRules: [],
      affiliatePatterns: [],
      phoneRegion: null,
    });
    expect(second.body).toEqual({
      retentionDays: 395,
      ipv4PrefixBits: 16,
      ipv6PrefixBits: 48,
      honorDnt: false,
      honorGpc: true,
      consentDefault: 'granted',
      channelRules: [],
      affiliatePatterns: [],
      phoneRegion: null,
    });
    expect(snippet.body.snippet).toContain('data-consent="granted"');
  });

  it('refuses settings out of range, naming the field', async () => {
    // Act
    const answer = await api.call(`/api/sites/${api.siteId}/settings`, {
      method: 'PATCH',
      body: { ipv4PrefixBits: 33 },
      as: api.members.admin,
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe('ipv4PrefixBits');
  });
});
