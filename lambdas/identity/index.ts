/**
 * Identity resolution's public surface, for the runtime, the CLI and the API to wire. See README.md.
 */

export type { BatchOutcome } from './batch-resolver';
export { createOrganizationKeyring, type OrganizationKeyring } from './crypto/organization-keys';
export { type ErasureReport, erasePerson } from './erase-person';
export { ensureEventPartitions } from './event-partitions';
export { exportPerson, type PersonExport } from './export-person';
export type { IdentityAccess } from './identity-access';
export { DEFAULT_IDENTITY_RULES, type IdentityRules } from './identity-rules';
export { type LookupQuery, lookupPerson } from './lookup-person';
export { type IdentityObservation, parseIdentityObservation } from './observation';
export { linksIdentities, observationFromEnvelope } from './observation-from-envelope';
export type { PersonProfile } from './person-profile';
export { keepRawEvents, type RawEventToKeep, rawEventWrite } from './raw-events';
export { createResolver, type Resolution, type Resolver } from './resolver';
export { listSoftLinks, type SoftLinkEvidence, type SoftLinkView } from './soft-link-listing';
export { reviewSoftLink, type SoftLinkDecision, type SoftLinkReview } from './soft-link-review';
