import type { OrganizationKeyring } from '../identity/crypto/organization-keys';
import type { Analytics } from '../ports/analytics';
import type { KeyValue } from '../ports/key-value';
import type { Sql } from '../ports/sql';
import type { AuthMode } from './auth/auth-mode';
import type { UserDirectory } from './team/user-directory';

/** What the API Lambda runs on; the local runtime and the AWS composition each build one. */
export interface ApiDeps {
  /** Organizations, users, sites, persons (row-level security per organization). */
  readonly sql: Sql;
  /** Events: Athena in AWS, DuckDB over the local lake. */
  readonly analytics: Analytics;
  /** What `{{database}}` renders as: the Glue database, or `LOCAL_DATABASE`. */
  readonly analyticsDatabase: string;
  /** Where `athena/queries/*.sql` are; a bundled Lambda carries a copy. @default namedQueriesDir() */
  readonly namedQueriesDir?: string;
  /** Where `athena/attribution/*.sql` are; a bundled Lambda carries a copy. @default attributionQueriesDir() */
  readonly attributionQueriesDir?: string;
  /** Sign-in attempt counters. */
  readonly keyValue: KeyValue;
  /** Decrypts persons' PII for the visitor views. */
  readonly keyring: OrganizationKeyring;
  readonly auth: AuthMode;
  /**
   * The origin serving the tracker (`/s.js`) for install snippets.
   * @default the origin the API was reached on (the local runtime serves both)
   */
  readonly trackerOrigin?: string;
  /** Creates the sign-in account of an invited person (Cognito's `AdminCreateUser` in AWS). @default none */
  readonly userDirectory?: UserDirectory;
  /** How long a report's answer is reused for the same question. @default REPORT_CACHE_MS (10 s) */
  readonly reportCacheMs?: number;
  readonly now?: () => number;
}
