import fc from 'fast-check';
import type { CollectedEventEnvelope } from '../../lambdas/collection/collected-event';
import { createEnricher } from '../../lambdas/enrichment/enrich-event';
import { emptyGeoIp } from '../../lambdas/enrichment/geoip';
import { eventsTable } from '../../lambdas/lake/tables';

const SITE_ID = 'site-1';
const text = (max: number) => fc.string({ maxLength: max });

/** Envelopes as the collector builds them, filled with hostile but schema-shaped values. */
const envelope: fc.Arbitrary<CollectedEventEnvelope> = fc.record({
  kind: fc.constant('event' as const),
  v: fc.constant(1 as const),
  siteId: fc.oneof(fc.constant(SITE_ID), text(40)),
  organizationId: text(40),
  source: fc.constantFrom('tracker', 'pixel', 'segment', 'server', 'postback', 'redirect'),
  server: fc.record(
    {
      receivedAt: fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.double()),
      ip: fc.oneof(fc.ipV4(), fc.ipV6(), text(60)),
      userAgent: text(400),
      geo: fc.record({ country: text(3), latitude: fc.double() }, { requiredKeys: [] }),
      origin: text(100),
    },
    { requiredKeys: ['receivedAt'] },
  ),
  event: fc.record(
    {
      eventId: fc.oneof(fc.uuid(), text(64)),
      type: fc.constantFrom('page', 'track', 'identify', 'screen', 'group', 'alias', 'click', 'conversion'),
      name: text(200),
      timestamp: fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.double()),
      sentAt: fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.double()),
      anonymousId: text(64),
      url: fc.oneof(fc.webUrl({ withQueryParameters: true }), text(2048)),
      referrer: fc.oneof(fc.webUrl(), text(300)),
      properties: fc.dictionary(text(128), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 10 }),
      traits: fc.dictionary(text(30), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 5 }),
      screen: fc.record({ width: fc.integer(), height: fc.integer() }, { requiredKeys: [] }),
      campaign: fc.dictionary(text(12), text(100), { maxKeys: 6 }),
      clickIds: fc.dictionary(fc.constantFrom('gclid', 'fbclid', 'msclkid', 'x'), text(100), { maxKeys: 4 }),
      subIds: fc.dictionary(text(10), text(50), { maxKeys: 4 }),
      cookieless: fc.boolean(),
      clientIp: fc.oneof(fc.ipV4(), text(40)),
      clientUserAgent: text(300),
    },
    { requiredKeys: ['eventId', 'type'] },
  ),
});

describe('enricher under random input', () => {
  const enricher = createEnricher({ geo: emptyGeoIp, now: () => 1_700_000_000_000 });
  const site = { settings: { affiliatePatterns: ['amzn.to/*', '*.example.com/ref/*'] } };

  it('never throws, and turns every envelope into a row or a typed failure', () => {
    fc.assert(
      fc.property(fc.array(envelope, { maxLength: 40 }), (batch) => {
        const failures: string[] = [];
        const rows = enricher.enrichBatch(
          batch,
          (id) => (id === SITE_ID ? site : undefined),
          (f) => failures.push(f.reason),
        );
        expect(rows.length + failures.length).toBe(batch.length);
        for (const reason of failures)
          expect(['unknown_site', 'unknown_version', 'enrichment_failure']).toContain(reason);
        for (const row of rows) {
          for (const column of eventsTable.columns) expect(row).toHaveProperty(column.name);
          expect(row.dt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
