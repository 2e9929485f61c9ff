import { SIGN_IN_ATTEMPTS } from '../../lambdas/api/auth/sign-in';
import { type ApiFixture, createApiFixture, ORIGIN, PASSWORD } from './support/api-fixture';

describe('local sign-in and sessions', () => {
  let api: ApiFixture;

  beforeAll(async () => {
    api = await createApiFixture();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  const signIn = (email: string, password: string, headers: Record<string, string> = { origin: ORIGIN }) =>
    api.call('/api/session', { method: 'POST', body: { email, password }, headers });

  it('signs a member in on loopback http (npm start) with an HttpOnly, SameSite=Strict, Secure session cookie scoped to the API', async () => {
    // Act
    const answer = await signIn('Admin@acme.example', PASSWORD);

    // Assess
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      user: { email: 'admin@acme.example', role: 'admin' },
      organization: { name: 'acme' },
    });
    expect(answer.body.csrfToken).toEqual(expect.any(String));
    const [cookie] = answer.cookies;
    expect(cookie).toMatch(
      /^sl_session=[A-Za-z0-9_-]{43}; Path=\/api; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/,
    );
  });

  it('leaves Secure off only over plain http to a host that is not loopback, where the browser would drop it', async () => {
    // Act
    const answer = await signIn('viewer@acme.example', PASSWORD, {
      origin: 'http://192.168.1.20:8787',
      host: '192.168.1.20:8787',
    });

    // Assess
    expect(answer.status).toBe(201);
    expect(answer.cookies[0]).toMatch(/HttpOnly; SameSite=Strict; Max-Age=43200$/);
  });

  it('marks the cookie Secure when the browser came over HTTPS', async () => {
    // Act
    const answer = await signIn('viewer@acme.example', PASSWORD, {
      origin: 'https://127.0.0.1:8787',
      'x-forwarded-proto': 'https',
    });

    // Assess
    expect(answer.status).toBe(201);
    expect(answer.cookies[0]).toMatch(/; Secure$/);
  });

  it('answers a wrong password and an unknown address alike, with 401', async () => {
    // Act
    const wrong = await signIn('owner@acme.example', 'not the password');
    const unknown = await signIn('nobody@acme.example', PASSWORD);

    // Assess
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    expect(wrong.cookies).toEqual([]);
  });

  it(`refuses sign-in with 429 after ${SIGN_IN_ATTEMPTS} failed attempts for one address`, async () => {
    // Prepare
    for (let i = 0; i < SIGN_IN_ATTEMPTS; i++) await signIn('analyst@acme.example', `wrong ${i}`);

    // Act
    const answer = await signIn('analyst@acme.example', PASSWORD);

    // Assess
    expect(answer.status).toBe(429);
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
  }, 30_000);

  it('refuses a sign-in form posted from another site', async () => {
    // Act
    const answer = await signIn('owner@acme.example', PASSWORD, { origin: 'https://evil.example' });

    // Assess
    expect(answer.status).toBe(403);
  });

  it('answers 401 to a protected route without a session', async () => {
    // Act
    const answer = await api.call('/api/sites');

    // Assess
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('unauthorized');
  });

  it('refuses a state-changing request without the CSRF token, or from another origin', async () => {
    // Prepare
    const { owner } = api.members;

    // Act
    const noToken = await api.call('/api/sites', {
      method: 'POST',
      body: { domain: 'csrf.example' },
      as: owner,
      headers: { 'x-csrf-token': '' },
    });
    const otherOrigin = await api.call('/api/sites', {
      method: 'POST',
      body: { domain: 'csrf.example' },
      as: owner,
      headers: { origin: 'https://evil.example' },
    });

    // Assess
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.message).toMatch(/x-csrf-token/);
    expect(otherOrigin.status).toBe(403);
    expect(otherOrigin.body.error.message).toMatch(/cross-origin/);
  });

  it('tells a signed-in browser who it is, with its CSRF token', async () => {
    // Act
    const answer = await api.call('/api/session', { as: api.members.analyst });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      user: { id: api.members.analyst.userId, email: 'analyst@acme.example', role: 'analyst' },
      organization: { id: api.organizationId, name: 'acme' },
      csrfToken: api.members.analyst.csrfToken,
    });
  });

  it('ends the session on sign-out, so the cookie no longer works', async () => {
    // Prepare
    const signedIn = await signIn('owner@acme.example', PASSWORD);
    const cookie = (signedIn.cookies[0] ?? '').split(';')[0] ?? '';
    const member = { ...api.members.owner, cookie, csrfToken: signedIn.body.csrfToken };

    // Act
    const signOut = await api.call('/api/session', { method: 'DELETE', as: member });
    const after = await api.call('/api/session', { as: member });

    // Assess
    expect(signOut.status).toBe(204);
    expect(signOut.cookies[0]).toMatch(/^sl_session=; .*Max-Age=0/);
    expect(after.status).toBe(401);
  });
});
