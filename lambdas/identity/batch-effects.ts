import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { linkCompany, linkEmailDomainsOfMany } from './company-rows';
import type { OrganizationKeys } from './crypto/organization-keys';
import type { IdentityObservation } from './observation';
import type { PreparedIdentifier } from './prepared-identifiers';
import { rawEventWrite } from './raw-events';
import { slimEventWrites } from './slim-events';
import { type SoftLinkOptions, softSignalsOf } from './soft-links';
import { recordSoftSignalsOfMany } from './soft-signal-batch';
import { writeTogether } from './sql-values';
import { traitWrite } from './trait-rows';

/** An observation of a batch and the person it resolved to. */
export interface ResolvedObservation {
  readonly observation: IdentityObservation;
  readonly accepted: readonly PreparedIdentifier[];
  readonly personId: string;
}

/**
 * What follows resolution, for a whole batch: companies, then traits, soft signals, slim events,
 * sessions and raw events in one statement, then the soft links the signals propose.
 */
export async function applyObservationEffects(
  trx: Kysely<Database>,
  keys: OrganizationKeys,
  organizationId: string,
  resolved: readonly ResolvedObservation[],
  personKey: (personId: string) => Uint8Array,
  softLinks: SoftLinkOptions | false | undefined,
): Promise<void> {
  const observedAt = (r: ResolvedObservation) => new Date(r.observation.observedAt);
  // Traits and companies belong to the identifier that showed them: the observation's highest
  // priority (the one its person is the person of), or the e-mail address for its domain.
  const sourceOf = (r: ResolvedObservation) => {
    const top = r.accepted[0] as PreparedIdentifier;
    return { siteId: r.observation.siteId, type: top.type, value: top.value };
  };
  // Traits, sightings and slim events touch tables of their own: written in one statement, after the
  // companies (whose links read the companies they create).
  const traits = await traitWrite(
    organizationId,
    keys.indexKey,
    resolved.flatMap((r) =>
      r.observation.traits
        ? [
            {
              personId: r.personId,
              source: sourceOf(r),
              observedAt: observedAt(r),
              personKey: async () => personKey(r.personId),
              traits: r.observation.traits,
            },
          ]
        : [],
    ),
  );
  const slimEvents = slimEventWrites(
    organizationId,
    resolved.map((r) => ({
      siteId: r.observation.siteId,
      personId: r.personId,
      eventId: r.observation.eventId,
      occurredAt: observedAt(r),
      event: r.observation.event,
    })),
  );
  const rawEvents = rawEventWrite(
    organizationId,
    resolved.flatMap((r) =>
      r.observation.raw
        ? [
            {
              siteId: r.observation.siteId,
              eventId: r.observation.eventId,
              personId: r.personId,
              raw: r.observation.raw,
            },
          ]
        : [],
    ),
    personKey,
  );
  const writes = [...(traits ? [traits] : []), ...slimEvents, ...(rawEvents ? [rawEvents] : [])];

  for (const r of resolved) {
    const company = r.observation.company;
    if (!company) continue;
    const kind = company.groupId ? 'group' : 'observation';
    await linkCompany(trx, organizationId, sourceOf(r), company, kind, observedAt(r));
  }
  await linkEmailDomainsOfMany(
    trx,
    organizationId,
    resolved.flatMap((r) =>
      r.accepted
        .filter((a) => a.type === 'email' && a.plaintext)
        .map((a) => ({
          email: { siteId: r.observation.siteId, type: a.type, value: a.value },
          address: a.plaintext as string,
          observedAt: observedAt(r),
        })),
    ),
  );
  const emails = resolved.map((r) => ({ ...r, emails: emailsOf(r.accepted) }));

  if (softLinks === false) {
    await writeTogether(trx, writes);
    return;
  }
  const memo = new Map<string, string>();
  const sightings = emails.map((r) => ({
    siteId: r.observation.siteId,
    personId: r.personId,
    observedAt: observedAt(r),
    signals: softSignalsOf(
      keys.indexKey,
      {
        ip: r.observation.ip,
        userAgent: r.observation.userAgent,
        emails: r.emails,
      },
      memo,
    ),
  }));
  await recordSoftSignalsOfMany(trx, organizationId, sightings, softLinks ?? {}, writes);
}

function emailsOf(accepted: readonly PreparedIdentifier[]): string[] {
  return accepted.filter((a) => a.type === 'email' && a.plaintext).map((a) => a.plaintext as string);
}
