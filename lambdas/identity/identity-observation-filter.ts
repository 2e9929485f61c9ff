import type { CollectedEventEnvelope } from '../collection/collected-event';
import type { IdentityObservation } from './observation';
import { linksIdentities, observationFromEnvelope } from './observation-from-envelope';

/**
 * What enrichment sends to identity resolution: only events that link identifiers (a login, an
 * identify, an alias, a click id or device id next to an anonymous id). A page view carrying
 * nothing but its anonymous id changes no person, and sending each one would make the queue
 * grow with traffic rather than with identity.
 *
 * @example
 * makeEnrichHandler({ ..., identityQueue, observe: identityObservation });
 */
export function identityObservation(envelope: CollectedEventEnvelope): IdentityObservation | undefined {
  const observation = observationFromEnvelope(envelope);
  return observation && linksIdentities(observation) ? observation : undefined;
}
