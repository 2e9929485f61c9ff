import { expectEventsInAction } from './support/expect-events';
import { setUpTrackerTest } from './support/tracker-test';

const t = setUpTrackerTest();

describe('form submits', () => {
  it('sends form_submit with the form id, name and field names, never their values', async () => {
    // Prepare
    await t.open('form.html');
    await t.page.type('input[name=email]', 'ada@example.com');
    await t.page.type('input[name=password]', 'correct-horse');
    await t.page.type('#full_name', 'Ada Lovelace');

    // Act
    await expectEventsInAction(
      t.collector,
      () => Promise.all([t.page.waitForNavigation(), t.page.click('button[type=submit]')]),
      {
        expected: [
          {
            type: 'track',
            name: 'form_submit',
            props: {
              form_id: 'signup',
              form_name: 'signup-form',
              fields: 'email,password,full_name,plan,terms,source,size',
            },
          },
          { type: 'page', url: `${t.collector.url}/next.html` },
        ],
      },
    );

    // Assess
    const bodies = t.collector
      .receivedBatches()
      .map((b) => b.raw)
      .join('\n');
    for (const value of ['ada@example.com', 'correct-horse', 'Ada Lovelace', 'hidden-source-value']) {
      expect(bodies).not.toContain(value);
    }
  });

  it('sends nothing for a form inside data-sl-ignore', async () => {
    await t.open('form.html');
    await expectEventsInAction(
      t.collector,
      async () => {
        await t.page.click('#private-submit');
        await t.page.evaluate(() => window.sightline('track', 'sentinel'));
      },
      { expected: [{ name: 'sentinel' }], refuted: [{ name: 'form_submit' }], settleMs: 500 },
    );
  });

  it('does not send the e-mail without the opt-in', async () => {
    await t.open('consented.html');
    await t.page.type('input[name=email]', 'ada@example.com');
    await expectEventsInAction(t.collector, () => t.page.click('button[type=submit]'), {
      expected: [{ name: 'form_submit', props: { form_id: 'newsletter', fields: 'email' } }],
      refuted: [{ type: 'identify' }],
      settleMs: 500,
    });
  });
});

describe('e-mail identity capture (data-capture-email)', () => {
  it('sends the e-mail once as identify traits and never stores it in the browser', async () => {
    // Prepare
    await t.open('form-email.html');
    await t.page.evaluate(() => window.sightline('identify', 'user-9'));
    await t.page.type('input[name=work_email]', 'ada@example.com');

    // Act
    const events = await expectEventsInAction(
      t.collector,
      async () => {
        await t.page.click('button[type=submit]');
        await t.page.click('button[type=submit]');
      },
      {
        expected: [{ type: 'identify', traits: { email: 'ada@example.com' } }, { name: 'form_submit' }],
        settleMs: 2500,
      },
    );

    // Assess
    const identifies = events.filter((e) => e.type === 'identify' && e.traits?.email);
    expect(identifies).toHaveLength(1);
    // The e-mail is a trait, never made into (or sent with) a user id.
    expect(identifies[0].uid).toBeUndefined();
    expect(identifies[0].aid).toEqual(expect.any(String));
    const stored = await t.page.evaluate(() => JSON.stringify({ ...localStorage }) + document.cookie);
    expect(stored).not.toContain('ada@example.com');
  });

  it('is never written to the retry queue, even when delivery fails', async () => {
    // Prepare
    await t.open('form-email.html');
    await t.page.type('input[name=work_email]', 'ada@example.com');
    t.collector.respondWith(503, 503);
    let queued = '';

    // Act
    await expectEventsInAction(
      t.collector,
      async () => {
        await t.page.click('button[type=submit]');
        // The failed batch is queued for retry: its form_submit is stored, the e-mail must not be.
        await t.page.waitForFunction(() => localStorage.getItem('_sl_q')?.includes('form_submit'), { timeout: 10000 });
        queued = await t.page.evaluate(() => JSON.stringify({ ...localStorage }) + document.cookie);
      },
      {
        expected: [{ type: 'identify', traits: { email: 'ada@example.com' } }, { name: 'form_submit' }],
        timeoutMs: 15000,
      },
    );

    // Assess
    expect(queued).not.toContain('ada@example.com');
    expect(
      t.collector.receivedBatches().filter((b) => b.status === 503 && b.raw.includes('ada@example.com')),
    ).not.toEqual([]);
  });

  it('sends no e-mail once consent is withdrawn', async () => {
    await t.open('form-email.html');
    await t.page.evaluate(() => window.sightline('consent', { analytics: false, marketing: false }));
    await t.page.type('input[name=work_email]', 'ada@example.com');
    await expectEventsInAction(t.collector, () => t.page.click('button[type=submit]'), {
      expected: [{ name: 'form_submit' }],
      refuted: [{ type: 'identify' }],
      settleMs: 500,
    });
  });
});
