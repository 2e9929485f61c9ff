import { join } from 'node:path';
import { ConfigError } from '../core/errors';
import type { AuthMode } from './auth/auth-mode';

/**
 * The API Lambda's own environment variables (set by the CDK construct that declares it). Kept
 * here until `lambdas/core/config.ts` `ENV` takes them, so the construct and the Lambda share names.
 */
export const API_ENV = {
  userPoolId: 'SIGHTLINE_USER_POOL_ID',
  userPoolClientId: 'SIGHTLINE_USER_POOL_CLIENT_ID',
  trackerOrigin: 'SIGHTLINE_TRACKER_ORIGIN',
  /** Set by Lambda itself. */
  region: 'AWS_REGION',
  /** Set by Lambda itself: the folder the bundle was unpacked into. */
  taskRoot: 'LAMBDA_TASK_ROOT',
} as const;

/**
 * Where the bundle carries `athena/queries/*.sql`: copied into it at bundling (CDK `commandHooks`),
 * next to `index.mjs`. An ESM bundle has no `__dirname`, hence the task root.
 */
export const BUNDLED_QUERIES_DIR = 'athena-queries';

export interface ApiConfig {
  readonly auth: AuthMode;
  readonly trackerOrigin?: string;
  readonly namedQueriesDir: string;
}

/**
 * Reads the API's configuration once, at cold start; throws a `ConfigError` naming a missing variable.
 *
 * @example
 * const { auth } = apiConfigFromEnv(); // { kind: 'cognito', region: 'eu-west-1', userPoolId, clientId }
 */
export function apiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const need = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '')
      throw new ConfigError(`Environment variable ${name} is required but not set`);
    return value;
  };
  const trackerOrigin = env[API_ENV.trackerOrigin];
  return {
    auth: {
      kind: 'cognito',
      region: need(API_ENV.region),
      userPoolId: need(API_ENV.userPoolId),
      clientId: need(API_ENV.userPoolClientId),
    },
    ...(trackerOrigin ? { trackerOrigin } : {}),
    namedQueriesDir: join(need(API_ENV.taskRoot), BUNDLED_QUERIES_DIR),
  };
}
