import type { ApiTables } from './api';
import type { CoreTables } from './core';
import type { IdentityTables } from './identity';
import type { PostbackTables } from './postbacks';

/**
 * Every table Kysely knows, composed from one interface per area so that areas can grow
 * without editing each other's files.
 */
export interface Database extends CoreTables, IdentityTables, PostbackTables, ApiTables {}
