import type { Migration } from 'kysely';
import * as foundation from './0001-foundation';
import * as identity from './0002-identity';
import * as postbacks from './0010-postbacks';
import * as api from './0020-api';
import * as identityLinkLookups from './0021-identity-link-lookups';
import * as identityBatchLinkLookups from './0022-identity-batch-link-lookups';
import * as softLinkPersons from './0023-soft-link-persons';
import * as personLakeActivity from './0024-person-lake-activity';
import * as conflictPersons from './0025-conflict-persons';
import * as rawEventPersonKeys from './0026-raw-event-person-keys';
import * as lakeErasures from './0027-lake-erasures';
import * as traitAndCompanySources from './0028-trait-and-company-sources';
import * as erasedIdentifiers from './0029-erased-identifiers';
import * as tenantPolicies from './0030-tenant-policies';
import * as definerSearchPath from './0031-definer-search-path';
import * as softSignalWindows from './0032-soft-signal-windows';
import * as softLinkPairs from './0033-soft-link-pairs';
import * as lakeErasureDeviceIds from './0035-lake-erasure-device-ids';
import * as conversionIdentityKeys from './0036-conversion-identity-keys';
import * as companyNameTimes from './0037-company-name-times';

/**
 * Every migration in order. A static list (not a folder scan) so bundled Lambdas carry them.
 * Names sort in the order they run; never rename or reorder a migration that has shipped.
 */
export const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-identity': identity,
  '0010-postbacks': postbacks,
  '0020-api': api,
  '0021-identity-link-lookups': identityLinkLookups,
  '0022-identity-batch-link-lookups': identityBatchLinkLookups,
  '0023-soft-link-persons': softLinkPersons,
  '0024-person-lake-activity': personLakeActivity,
  '0025-conflict-persons': conflictPersons,
  '0026-raw-event-person-keys': rawEventPersonKeys,
  '0027-lake-erasures': lakeErasures,
  '0028-trait-and-company-sources': traitAndCompanySources,
  '0029-erased-identifiers': erasedIdentifiers,
  '0030-tenant-policies': tenantPolicies,
  '0031-definer-search-path': definerSearchPath,
  '0032-soft-signal-windows': softSignalWindows,
  '0033-soft-link-pairs': softLinkPairs,
  '0035-lake-erasure-device-ids': lakeErasureDeviceIds,
  '0036-conversion-identity-keys': conversionIdentityKeys,
  '0037-company-name-times': companyNameTimes,
};
