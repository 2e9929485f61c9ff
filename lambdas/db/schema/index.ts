import type { CoreTables } from './core';
import type { IdentityTables } from './identity';

/**
 * Every table Kysely knows, composed from one interface per area so that areas can grow
 * without editing each other's files.
 */
export interface Database extends CoreTables, IdentityTables {}
