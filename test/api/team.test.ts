import { type ApiFixture, createApiFixture, ORIGIN } from './support/api-fixture';

describe('team and invitations', () => {
  let api: ApiFixture;

  beforeAll(async () => {
    api = await createApiFixture();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  const invite = (email: string, role: string, as = api.members.admin) =>
    api.call('/api/team/invitations', { method: 'POST', body: { email, role }, as });
  const accept = (token: string, password: string) =>
    api.call('/api/invitations/accept', { method: 'POST', body: { token, password }, headers: { origin: ORIGIN } });

  it('invites with a one-time token that signs the new member in with their role', async () => {
    // Prepare
    const invited = await invite('New.Analyst@acme.example', 'analyst');

    // Act
    const accepted = await accept(invited.body.token, 'a long enough password');
    const again = await accept(invited.body.token, 'a long enough password');

    // Assess
    expect(invited.status).toBe(201);
    expect(invited.body.acceptPath).toBe(`/accept-invitation#${invited.body.token}`);
    expect(accepted.status).toBe(201);
    expect(accepted.body.user).toMatchObject({ email: 'new.analyst@acme.example', role: 'analyst' });
    expect(accepted.cookies[0]).toMatch(/^sl_session=.+HttpOnly; SameSite=Strict/);
    expect(again.status).toBe(404);
    const stored = await api.sql.db.selectFrom('invitations').select('token_hash').execute();
    expect(JSON.stringify(stored)).not.toContain(invited.body.token);
  });

  it('lists members and pending invitations to admins', async () => {
    // Prepare
    await invite('pending@acme.example', 'viewer');

    // Act
    const team = await api.call('/api/team', { as: api.members.admin });

    // Assess
    expect(team.body.members.map((m: { email: string }) => m.email)).toEqual(
      expect.arrayContaining(['owner@acme.example', 'viewer@acme.example']),
    );
    expect(team.body.members.find((m: { you: boolean }) => m.you).email).toBe('admin@acme.example');
    expect(team.body.invitations.map((i: { email: string }) => i.email)).toContain('pending@acme.example');
  });

  it('refuses a password shorter than 12 characters, naming it', async () => {
    // Prepare
    const invited = await invite('short@acme.example', 'viewer');

    // Act
    const answer = await accept(invited.body.token, 'too short');

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe('password');
  });

  it('refuses to invite an address that already has an account', async () => {
    // Act
    const answer = await invite('viewer@acme.example', 'viewer');

    // Assess
    expect(answer.status).toBe(409);
  });

  it('lets only an owner grant or take the owner role, and keeps the last owner', async () => {
    // Act
    const adminMakesOwner = await invite('boss@acme.example', 'owner');
    const adminDemotesOwner = await api.call(`/api/team/members/${api.members.owner.userId}`, {
      method: 'PATCH',
      body: { role: 'viewer' },
      as: api.members.admin,
    });
    const lastOwnerLeaves = await api.call(`/api/team/members/${api.members.owner.userId}`, {
      method: 'DELETE',
      as: api.members.owner,
    });

    // Assess
    expect(adminMakesOwner.status).toBe(403);
    expect(adminDemotesOwner.status).toBe(403);
    expect(lastOwnerLeaves.status).toBe(409);
  });

  it('changes a role, which applies to the member at once', async () => {
    // Prepare
    const invited = await invite('promoted@acme.example', 'viewer');
    const accepted = await accept(invited.body.token, 'a long enough password');
    const member = {
      userId: accepted.body.user.id,
      email: 'promoted@acme.example',
      role: 'viewer' as const,
      cookie: (accepted.cookies[0] ?? '').split(';')[0] ?? '',
      csrfToken: accepted.body.csrfToken,
    };
    const before = await api.call('/api/team', { as: member });

    // Act
    await api.call(`/api/team/members/${member.userId}`, {
      method: 'PATCH',
      body: { role: 'admin' },
      as: api.members.owner,
    });
    const after = await api.call('/api/team', { as: member });

    // Assess
    expect(before.status).toBe(403);
    expect(after.status).toBe(200);
  });

  it('removes a member, ending their sessions', async () => {
    // Prepare
    const invited = await invite('leaving@acme.example', 'viewer');
    const accepted = await accept(invited.body.token, 'a long enough password');
    const cookie = (accepted.cookies[0] ?? '').split(';')[0] ?? '';

    // Act
    const removed = await api.call(`/api/team/members/${accepted.body.user.id}`, {
      method: 'DELETE',
      as: api.members.admin,
    });
    const after = await api.call('/api/session', { as: { ...api.members.viewer, cookie } });

    // Assess
    expect(removed.status).toBe(204);
    expect(after.status).toBe(401);
  });

  describe('where sign-in accounts live apart (Cognito)', () => {
    const calls: string[] = [];
    let directory: ApiFixture;
    beforeAll(async () => {
      directory = await createApiFixture({
        userDirectory: {
          createUser: async (email) => void calls.push(`create ${email}`),
          deleteUser: async (email) => void calls.push(`delete ${email}`),
        },
      });
    }, 60_000);
    afterAll(async () => {
      await directory?.close();
    });
    beforeEach(() => {
      calls.length = 0;
    });

    it("creates the invited person's account, and deletes it when the invitation is withdrawn", async () => {
      // Act
      const answer = await directory.call('/api/team/invitations', {
        method: 'POST',
        body: { email: 'Cog.Nito@acme.example', role: 'viewer' },
        as: directory.members.admin,
      });
      const withdrawn = await directory.call(`/api/team/invitations/${answer.body.invitation.id}`, {
        method: 'DELETE',
        as: directory.members.admin,
      });

      // Assess
      expect(answer.status).toBe(201);
      expect(withdrawn.status).toBe(204);
      expect(calls).toEqual(['create cog.nito@acme.example', 'delete cog.nito@acme.example']);
    });

    it("deletes a removed member's account, and leaves it when the removal is refused", async () => {
      // Act
      const refused = await directory.call(`/api/team/members/${directory.members.owner.userId}`, {
        method: 'DELETE',
        as: directory.members.admin,
      });
      const removed = await directory.call(`/api/team/members/${directory.members.analyst.userId}`, {
        method: 'DELETE',
        as: directory.members.admin,
      });

      // Assess
      expect(refused.status).toBe(403);
      expect(removed.status).toBe(204);
      expect(calls).toEqual(['delete analyst@acme.example']);
    });
  });
});
