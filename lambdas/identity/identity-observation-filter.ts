import type { CollectedEventEnvelope } from '../collection/collected-event';
import { type IdentityObservation, parseIdentityObservation } from './observation';
import { type IdentitySiteSettings, linksIdentities, observationFromEnvelope } from './observation-from-envelope';

/**
 * What enrichment sends to identity resolution: only events that link identifiers (a login, an
 * identify, an alias, a click id or device id next to an anonymous id). A page view carrying
 * nothing but its anonymous id changes no person, and sending each one would make the queue
 * grow with traffic rather than with identity. An observation the resolver would refuse (a NUL or a
 * lone surrogate PostgreSQL cannot store, a time past the year 9999) throws its `ValidationError`
 * here, naming the field, so enrichment files it as a failed event instead of the queue retrying it
 * into its dead-letter queue. `settings` are the site's (its default phone region travels with the observation).
 *
 * @example
 * makeEnrichHandler({ ..., identityQueue, observe: identityObservation });
 */
export function identityObservation(
  envelope: CollectedEventEnvelope,
  settings?: IdentitySiteSettings,
): IdentityObservation | undefined {
  const observation = observationFromEnvelope(envelope, settings);
  return observation && linksIdentities(observation) ? parseIdentityObservation(observation) : undefined;
}
