import { randomUUID } from 'node:crypto';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { runCli } from '../support/run-cli';

interface Profile {
  id: string;
  identifiers: { type: string; value: string }[];
  traits: Record<string, unknown>;
  companies: { domain: string }[];
}

describe('sightline persons, end to end from the tracker wire', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
  });

  const cli = async (args: string[]) => {
    const result = await runCli(args, { SIGHTLINE_DATA_DIR: stack.dataDir });
    if (result.code !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout) as unknown;
  };

  it('stitches a login to the anonymous visitor, then looks up, exports and erases the person', async () => {
    // Prepare: an anonymous visit, then a login with traits, from the same browser.
    const anonymousId = `anon-${randomUUID()}`;
    const events = [
      { id: randomUUID(), type: 'page', ts: Date.now(), aid: anonymousId, url: 'http://localhost/pricing' },
      {
        id: randomUUID(),
        type: 'identify',
        ts: Date.now(),
        aid: anonymousId,
        uid: 'user-77',
        url: 'http://localhost/welcome',
        traits: { email: 'Ada@Example-Corp.com', plan: 'pro' },
      },
    ];
    const response = await fetch(`${stack.url}/e`, {
      method: 'POST',
      body: JSON.stringify({ site: stack.siteKey, events }),
    });
    expect(response.status).toBe(202);
    await stack.settle();

    // Act + Assess: both identifiers lead to one person with the traits and the e-mail's company.
    const byUser = (await cli(['persons', 'lookup', '--type', 'user_id', '--value', 'user-77'])) as {
      persons: Profile[];
    };
    const byAnonymous = (await cli(['persons', 'lookup', '--type', 'anonymous_id', '--value', anonymousId])) as {
      persons: Profile[];
    };
    expect(byUser.persons).toHaveLength(1);
    const [person] = byUser.persons;
    expect(byAnonymous.persons.map((p) => p.id)).toEqual([person?.id]);
    expect(person?.identifiers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'user_id', value: 'user-77' }),
        expect.objectContaining({ type: 'anonymous_id', value: anonymousId }),
        expect.objectContaining({ type: 'email', value: 'ada@example-corp.com' }),
      ]),
    );
    expect(person?.traits).toMatchObject({ plan: 'pro' });
    expect(person?.companies.map((c) => c.domain)).toEqual(['example-corp.com']);

    const exported = JSON.stringify(await cli(['persons', 'export', person?.id as string]));
    expect(exported).toContain('ada@example-corp.com');
    // The anonymous page view before the login reached only the lake: the export finds it there.
    expect(exported).toContain('http://localhost/pricing');

    await cli(['persons', 'erase', person?.id as string]);
    const afterErase = (await cli(['persons', 'lookup', '--type', 'user_id', '--value', 'user-77'])) as {
      persons: Profile[];
    };
    expect(afterErase.persons).toEqual([]);
    const exportedAfter = JSON.stringify(await cli(['persons', 'export', person?.id as string]));
    expect(exportedAfter).not.toContain('ada@example-corp.com');
  }, 90_000);

  it('lists a soft link between two spellings of one inbox and merges its persons when accepted', async () => {
    // Prepare: one Gmail inbox given in two spellings from two browsers.
    const visit = (anonymousId: string, email: string) => ({
      id: randomUUID(),
      type: 'identify',
      ts: Date.now(),
      aid: anonymousId,
      url: 'http://localhost/newsletter',
      traits: { email },
    });
    const first = `anon-${randomUUID()}`;
    const second = `anon-${randomUUID()}`;
    const response = await fetch(`${stack.url}/e`, {
      method: 'POST',
      body: JSON.stringify({
        site: stack.siteKey,
        events: [visit(first, 'grace.hopper@gmail.com'), visit(second, 'gracehopper+news@gmail.com')],
      }),
    });
    expect(response.status).toBe(202);
    await stack.settle();
    const personOf = async (anonymousId: string) =>
      ((await cli(['persons', 'lookup', '--type', 'anonymous_id', '--value', anonymousId])) as { persons: Profile[] })
        .persons[0]?.id;
    const pair = [await personOf(first), await personOf(second)].sort();
    const { links } = (await cli(['persons', 'soft-links'])) as {
      links: { id: number; personA: string; personB: string; evidence: { kind: string }[] }[];
    };
    const link = links.find((l) => [l.personA, l.personB].sort().join() === pair.join());
    // One entry for the pair: both visits also came from this machine's address and browser, minutes apart.
    expect(link?.evidence.map((e) => e.kind)).toEqual(['email_variant', 'ip_user_agent']);
    expect(links.filter((l) => [l.personA, l.personB].sort().join() === pair.join())).toHaveLength(1);

    // Act
    const review = (await cli(['persons', 'review-link', String(link?.id), 'accept', '--by', 'grace-reviewer'])) as {
      status: string;
      decidedBy: string;
    };

    // Assess
    expect(review).toMatchObject({ status: 'accepted', decidedBy: 'grace-reviewer' });
    const accepted = (await cli(['persons', 'soft-links', '--status', 'accepted'])) as {
      links: { id: number; decidedBy: string }[];
    };
    expect(accepted.links.map((l) => [l.id, l.decidedBy])).toEqual([[link?.id, 'grace-reviewer']]);
    expect(await personOf(first)).toBe(await personOf(second));
    const open = (await cli(['persons', 'soft-links'])) as { links: { id: number }[] };
    expect(open.links.map((l) => l.id)).not.toContain(link?.id);
  }, 90_000);
});
