import type { CollectedEventEnvelope, NormalizedEvent } from '../../lambdas/collection/collected-event';
import { parseIdentityObservation } from '../../lambdas/identity/observation';
import { linksIdentities, observationFromEnvelope } from '../../lambdas/identity/observation-from-envelope';

const ORG = '0e9c7a43-6b0e-4c1e-9d59-9c1d1f2f7a01';
const SITE = '5b2f0d7e-3c4a-4f7e-8a1b-2d3c4e5f6a7b';

function envelope(event: Partial<NormalizedEvent>, receivedAt = 1_800_000_000_000): CollectedEventEnvelope {
  return {
    kind: 'event',
    v: 1,
    siteId: SITE,
    organizationId: ORG,
    source: 'segment',
    server: { receivedAt, ip: '203.0.113.7', userAgent: 'Mozilla/5.0' },
    event: { eventId: 'evt-1', type: 'page', ...event },
  };
}

describe('observationFromEnvelope', () => {
  it('builds an identify observation with identifiers, traits and context', () => {
    // Prepare
    const identify = envelope({
      type: 'identify',
      anonymousId: 'anon-1',
      userId: 'user-1',
      timestamp: 1_799_999_999_000,
      traits: { email: 'Ada@Acme.io', plan: 'pro', address: { city: 'London' } },
      campaign: { utm_source: 'newsletter' },
      clickIds: { gclid: 'Cj0KCQ', unknown_click: 'x' },
    });

    // Act
    const observation = observationFromEnvelope(identify);

    // Assess
    expect(observation).toEqual({
      v: 1,
      organizationId: ORG,
      siteId: SITE,
      eventId: 'evt-1',
      observedAt: 1_799_999_999_000,
      receivedAt: 1_800_000_000_000,
      identifiers: [
        { type: 'anonymous_id', value: 'anon-1' },
        { type: 'user_id', value: 'user-1' },
        { type: 'gclid', value: 'Cj0KCQ' },
        { type: 'email', value: 'Ada@Acme.io' },
      ],
      traits: {
        $set: { email: 'Ada@Acme.io', plan: 'pro', address: { city: 'London' } },
        $set_once: { initial_utm_source: 'newsletter' },
      },
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0',
      event: { type: 'identify' },
      raw: { receivedAt: 1_800_000_000_000, event: identify.event },
    });
    expect(parseIdentityObservation(observation)).toEqual(observation);
  });

  it('keeps identity calls and events with traits as collected, and not page views of a known visitor', () => {
    // Prepare
    const calls = [
      envelope({ type: 'identify', userId: 'u', anonymousId: 'a' }),
      envelope({ type: 'alias', userId: 'u', previousId: 'a' }),
      envelope({ type: 'group', anonymousId: 'a', groupId: 'acct-9' }),
      envelope({ type: 'track', name: 'Signed Up', userId: 'u', anonymousId: 'a', traits: { plan: 'pro' } }),
      envelope({ type: 'page', userId: 'u', anonymousId: 'a' }),
      envelope({ type: 'track', name: 'Clicked', userId: 'u', anonymousId: 'a' }),
    ];

    // Act
    const kept = calls.map((call) => observationFromEnvelope(call)?.raw !== undefined);

    // Assess
    expect(kept).toEqual([true, true, true, true, false, false]);
  });

  it('keeps the event as collected for the raw event store, without the client IP', () => {
    // Prepare
    const serverCall = envelope({
      type: 'track',
      traits: { plan: 'pro' },
      name: 'Order Completed',
      userId: 'user-1',
      clientIp: '198.51.100.23',
      clientUserAgent: 'backend/1.0',
      properties: { total: 42, items: [{ sku: 'a' }] },
    });

    // Act
    const observation = observationFromEnvelope(serverCall);

    // Assess
    expect(observation?.ip).toBe('198.51.100.23'); // keyed-hashed into soft signals, never stored
    expect(observation?.raw).toEqual({
      receivedAt: 1_800_000_000_000,
      event: {
        eventId: 'evt-1',
        type: 'track',
        name: 'Order Completed',
        userId: 'user-1',
        clientUserAgent: 'backend/1.0',
        properties: { total: 42, items: [{ sku: 'a' }] },
        traits: { plan: 'pro' },
      },
    });
    expect(JSON.stringify(observation?.raw)).not.toContain('198.51.100.23');
  });

  it('rejects a raw event larger than twice the collector bound, naming the field', () => {
    // Prepare
    const message = {
      ...observationFromEnvelope(envelope({ anonymousId: 'a' })),
      raw: { receivedAt: 1_800_000_000_000, event: { type: 'track', properties: { blob: 'x'.repeat(70_000) } } },
    };

    // Act
    const parsing = () => parseIdentityObservation(message);

    // Assess
    expect(parsing).toThrow(expect.objectContaining({ name: 'ValidationError', field: 'raw.event' }));
  });

  it('links an alias to the previous id and names the company of a group call', () => {
    // Prepare
    const alias = envelope({ type: 'alias', userId: 'user-1', previousId: 'anon-0' });
    const group = envelope({
      type: 'group',
      anonymousId: 'anon-1',
      groupId: 'acct-9',
      traits: { name: 'Acme', website: 'https://www.acme.io/' },
    });

    // Act
    const aliased = observationFromEnvelope(alias);
    const grouped = observationFromEnvelope(group);

    // Assess
    expect(aliased?.identifiers).toEqual([
      { type: 'user_id', value: 'user-1' },
      { type: 'anonymous_id', value: 'anon-0' },
    ]);
    expect(grouped?.company).toEqual({ groupId: 'acct-9', domain: 'acme.io', name: 'Acme' });
    expect(grouped?.traits).toBeUndefined();
  });

  it('clamps a client clock ahead of the server to the received time', () => {
    // Act
    const observation = observationFromEnvelope(envelope({ anonymousId: 'a', timestamp: 1_900_000_000_000 }));

    // Assess
    expect(observation?.observedAt).toBe(1_800_000_000_000);
  });

  it('dates an observation as the lake dates its event: a device clock years behind gives the received time', () => {
    // Prepare: a device whose clock was reset to 1970, and one whose clock runs 10 minutes fast, said when it sent.
    const reset = envelope({ anonymousId: 'a', timestamp: 86_400_000 });
    const fast = envelope({
      anonymousId: 'b',
      timestamp: 1_800_000_000_000 - 60_000,
      sentAt: 1_800_000_000_000 + 600_000,
    });

    // Act
    const [fromReset, fromFast] = [observationFromEnvelope(reset), observationFromEnvelope(fast)];

    // Assess
    expect(fromReset?.observedAt).toBe(1_800_000_000_000);
    expect(fromFast?.observedAt).toBe(1_800_000_000_000 - 660_000);
  });

  it('makes no observation of a cookieless hit without a user id', () => {
    // Act
    const observation = observationFromEnvelope(envelope({ anonymousId: 'daily-hash', cookieless: true }));

    // Assess
    expect(observation).toBeUndefined();
  });

  it('tells page views that only confirm a visitor from observations that link identities', () => {
    // Prepare
    const page = observationFromEnvelope(envelope({ anonymousId: 'a' }));
    const login = observationFromEnvelope(envelope({ anonymousId: 'a', userId: 'u' }));

    // Act
    const linking = [page, login].map((o) => (o ? linksIdentities(o) : undefined));

    // Assess
    expect(linking).toEqual([false, true]);
  });

  it('rejects a message with a field out of bounds, naming the field', () => {
    // Prepare
    const message = { ...observationFromEnvelope(envelope({ anonymousId: 'a' })), eventId: 'x'.repeat(129) };

    // Act
    const parsing = () => parseIdentityObservation(message);

    // Assess
    expect(parsing).toThrow(expect.objectContaining({ name: 'ValidationError', field: 'eventId' }));
  });

  it('rejects a message holding a NUL character, which PostgreSQL cannot store', () => {
    // Prepare
    const message = {
      ...observationFromEnvelope(envelope({ anonymousId: 'a' })),
      identifiers: [{ type: 'user_id', value: 'u\u0000' }],
    };

    // Act
    const parsing = () => parseIdentityObservation(message);

    // Assess
    expect(parsing).toThrow(/NUL/);
    expect(parsing).toThrow(expect.objectContaining({ field: 'identifiers.0.value' }));
  });

  it.each([
    ['a time after the year 9999', { observedAt: Date.UTC(10_000, 0, 1) }, 'observedAt'],
    [
      'a raw event received after the year 9999',
      { raw: { receivedAt: Date.UTC(10_000, 0, 1), event: { type: 'page' } } },
      'raw.receivedAt',
    ],
    [
      'half of a UTF-16 surrogate pair',
      { identifiers: [{ type: 'anonymous_id', value: 'anon-\ud800' }] },
      'identifiers.0.value',
    ],
    [
      'a trait named __proto__',
      { traits: { $set: JSON.parse('{"__proto__": "admin", "plan": "pro"}') } },
      'traits.$set.__proto__',
    ],
  ] as const)('rejects a message with %s, which PostgreSQL cannot store, naming the field', (_what, change, field) => {
    // Prepare
    const message = { ...observationFromEnvelope(envelope({ anonymousId: 'a' })), ...change };

    // Act
    const parsing = () => parseIdentityObservation(message);

    // Assess
    expect(parsing).toThrow(expect.objectContaining({ name: 'ValidationError', field }));
  });

  it('keeps a message with well-formed surrogate pairs (emoji) and a time in the year 9999', () => {
    // Prepare
    const message = {
      ...observationFromEnvelope(envelope({ anonymousId: 'a' })),
      observedAt: Date.UTC(9_999, 11, 31),
      traits: { $set: { mood: '\u{1F600} fine' } },
    };

    // Act
    const observation = parseIdentityObservation(message);

    // Assess
    expect(observation.traits?.$set).toEqual({ mood: '\u{1F600} fine' });
  });

  it('takes identifiers from traits, never from event properties that may name someone else', () => {
    // Prepare
    const invite = envelope({
      type: 'track',
      name: 'Invite Sent',
      anonymousId: 'a',
      properties: { email: 'friend@x.io' },
    });

    // Act
    const observation = observationFromEnvelope(invite);

    // Assess
    expect(observation?.identifiers).toEqual([{ type: 'anonymous_id', value: 'a' }]);
  });
});

describe("observationFromEnvelope and the site's default phone region", () => {
  it('sends the region with an observation that carries a phone', () => {
    // Act
    const observation = observationFromEnvelope(
      envelope({ type: 'identify', anonymousId: 'anon-1', traits: { phone: '06 12 34 56 78' } }),
      { phoneRegion: 'FR' },
    );

    // Assess
    expect(observation?.phoneRegion).toBe('FR');
    expect(parseIdentityObservation(observation)).toEqual(observation);
  });

  it.each([
    ['an observation without a phone', { type: 'identify', anonymousId: 'anon-1', userId: 'u-1' }, 'FR'],
    ['a site without a region', { type: 'identify', anonymousId: 'anon-1', traits: { phone: '0612345678' } }, null],
    ['a region no numbering plan knows', { type: 'identify', anonymousId: 'a', traits: { phone: '0612345678' } }, 'XX'],
  ] as const)('sends no region with %s', (_, event, phoneRegion) => {
    // Act
    const observation = observationFromEnvelope(envelope(event), { phoneRegion });

    // Assess
    expect(observation).toBeDefined();
    expect(observation).not.toHaveProperty('phoneRegion');
  });

  it('refuses a queue message whose region is not one, naming the field', () => {
    // Prepare
    const observation = observationFromEnvelope(envelope({ type: 'identify', traits: { phone: '0612345678' } }));

    // Act / Assess
    expect(() => parseIdentityObservation({ ...observation, phoneRegion: 'fr' })).toThrow(/phoneRegion/);
  });
});
