import { ValidationError } from '../../lambdas/core/errors';
import { createSite } from '../../lambdas/sites/create-site';
import { type ApiFixture, createApiFixture } from './support/api-fixture';

describe("site settings: a site's default phone region", () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await createApiFixture();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  const settingsPath = () => `/api/sites/${api.siteId}/settings`;
  const patch = (body: unknown) => api.call(settingsPath(), { method: 'PATCH', body, as: api.members.admin });
  const stored = async () =>
    (await api.sql.db.selectFrom('sites').select('settings').where('id', '=', api.siteId).executeTakeFirstOrThrow())
      .settings;

  it('has no region until one is set, and shows the one an admin sets, keeping the other settings', async () => {
    // Prepare
    const before = await api.call(settingsPath(), { as: api.members.viewer });
    await patch({ ipv4PrefixBits: 16, phoneRegion: null });

    // Act
    const saved = await patch({ phoneRegion: 'FR' });
    const shown = await api.call(settingsPath(), { as: api.members.viewer });

    // Assess
    expect(before.body).toMatchObject({ phoneRegion: null });
    expect(saved.status).toBe(200);
    expect(shown.body).toMatchObject({ ipv4PrefixBits: 16, phoneRegion: 'FR' });
    expect(await stored()).toMatchObject({ ipv4PrefixBits: 16, phoneRegion: 'FR' });
  });

  it('takes the region away when sent null', async () => {
    // Prepare
    await patch({ phoneRegion: 'US' });

    // Act
    const cleared = await patch({ phoneRegion: null });

    // Assess
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ phoneRegion: null });
  });

  it.each([
    ['a code that is no region', 'XX'],
    ['a lower-case code', 'fr'],
    ['an alpha-3 code', 'FRA'],
    ['a calling code', '33'],
    ['an empty string', ''],
    ['a number', 33],
  ])('refuses %s with a 400 naming phoneRegion, and keeps what was stored', async (_, phoneRegion) => {
    // Prepare
    await patch({ phoneRegion: 'GB' });

    // Act
    const answer = await patch({ phoneRegion });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe('phoneRegion');
    expect((await stored()).phoneRegion).toBe('GB');
  });

  it('refuses a site created with settings naming an unknown region, naming phoneRegion', async () => {
    // Act
    const creating = createSite(api.sql, {
      organizationId: api.organizationId,
      domain: 'phones.example.com',
      settings: { phoneRegion: 'XX' },
    });

    // Assess
    await expect(creating).rejects.toBeInstanceOf(ValidationError);
    await expect(creating).rejects.toMatchObject({ field: 'phoneRegion' });
  });
});
