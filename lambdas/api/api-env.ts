import { join } from 'node:path';
import { ENV } from '../core/config';
import { ConfigError } from '../core/errors';
import type { AuthMode } from './auth/auth-mode';

/**
 * The API Lambda's environment: its own names live in `ENV` (one writer in `lib/`, one reader
 * here); the last two are set by Lambda itself.
 */
export const API_ENV = {
  userPoolId: ENV.userPoolId,
  userPoolClientId: ENV.userPoolClientId,
  trackerOrigin: ENV.trackerOrigin,
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

/** Where the bundle carries `athena/attribution/*.sql`, the same way. */
export const BUNDLED_ATTRIBUTION_DIR = 'athena-attribution';

export interface ApiConfig {
  readonly auth: AuthMode;
  readonly trackerOrigin?: string;
  readonly namedQueriesDir: string;
  readonly attributionQueriesDir: string;
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
    attributionQueriesDir: join(need(API_ENV.taskRoot), BUNDLED_ATTRIBUTION_DIR),
  };
}
