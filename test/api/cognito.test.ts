import { type ApiFixture, createApiFixture } from './support/api-fixture';

/** In AWS, API Gateway's JWT authorizer has verified the Cognito token; the API maps its claims to a member. */
describe('Cognito sign-in (API Gateway JWT authorizer claims)', () => {
  let api: ApiFixture;
  const auth = { kind: 'cognito', region: 'eu-west-1', userPoolId: 'eu-west-1_pool', clientId: 'client' } as const;
  const claims = (extra: Record<string, string>) => ({ jwt: { claims: { token_use: 'id', ...extra }, scopes: null } });

  beforeAll(async () => {
    api = await createApiFixture({ auth });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('links a verified e-mail to its member on first sign-in, then finds them by subject alone', async () => {
    // Act
    const first = await api.call('/api/session', {
      authorizer: claims({ sub: 'sub-owner', email: 'OWNER@acme.example', email_verified: 'true' }),
    });
    const later = await api.call('/api/session', { authorizer: claims({ sub: 'sub-owner' }) });

    // Assess
    expect(first.body.user).toMatchObject({ email: 'owner@acme.example', role: 'owner' });
    expect(first.body.csrfToken).toBeUndefined();
    expect(later.body.user.id).toBe(api.members.owner.userId);
  });

  it('refuses an unverified e-mail and a stranger with 403, and a request without claims with 401', async () => {
    // Act
    const unverified = await api.call('/api/session', {
      authorizer: claims({ sub: 'sub-x', email: 'viewer@acme.example', email_verified: 'false' }),
    });
    const stranger = await api.call('/api/session', {
      authorizer: claims({ sub: 'sub-y', email: 'someone@else.example', email_verified: 'true' }),
    });
    const none = await api.call('/api/session');

    // Assess
    expect(unverified.status).toBe(403);
    expect(stranger.status).toBe(403);
    expect(none.status).toBe(401);
  });

  it('ignores session cookies: only the authorizer signs requests in', async () => {
    // Act
    const answer = await api.call('/api/sites', { as: api.members.owner });

    // Assess
    expect(answer.status).toBe(401);
  });

  it('enforces roles for Cognito members as for local ones', async () => {
    // Prepare
    const viewer = claims({ sub: 'sub-viewer', email: 'viewer@acme.example', email_verified: 'true' });

    // Act
    const answer = await api.call('/api/sites', { method: 'POST', body: { domain: 'x.example' }, authorizer: viewer });

    // Assess
    expect(answer.status).toBe(403);
  });

  it('tells the dashboard to sign in with the Cognito app client, and refuses password sign-in', async () => {
    // Act
    const config = await api.call('/api/config');
    const password = await api.call('/api/session', {
      method: 'POST',
      body: { email: 'owner@acme.example', password: 'x' },
    });

    // Assess
    expect(config.body).toEqual({ auth });
    expect(password.status).toBe(404);
  });

  it('accepts an invitation as the signed-in Cognito user with the invited address', async () => {
    // Prepare
    const owner = claims({ sub: 'sub-owner', email: 'owner@acme.example', email_verified: 'true' });
    const invited = await api.call('/api/team/invitations', {
      method: 'POST',
      body: { email: 'cog@acme.example', role: 'analyst' },
      authorizer: owner,
    });

    // Act
    const wrongUser = await api.call('/api/invitations/accept', {
      method: 'POST',
      body: { token: invited.body.token },
      authorizer: claims({ sub: 'sub-z', email: 'z@acme.example', email_verified: 'true' }),
    });
    const accepted = await api.call('/api/invitations/accept', {
      method: 'POST',
      body: { token: invited.body.token },
      authorizer: claims({ sub: 'sub-cog', email: 'cog@acme.example', email_verified: 'true' }),
    });
    const signedIn = await api.call('/api/session', { authorizer: claims({ sub: 'sub-cog' }) });

    // Assess
    expect(wrongUser.status).toBe(400);
    expect(accepted.status).toBe(201);
    expect(signedIn.body.user).toMatchObject({ email: 'cog@acme.example', role: 'analyst' });
  });
});
