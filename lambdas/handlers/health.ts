import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HealthCheck } from '../composition/dependencies';
import { httpErrorHandler } from '../core/http/error-handler';
import { type HttpResponse, jsonResponse } from '../core/http/responses';
import { healthChecks } from './health-checks';
import { lazyHandler } from './lazy-handler';

export interface AdapterStatus {
  readonly status: 'ok' | 'error';
  readonly latencyMs: number;
  readonly detail?: Record<string, unknown>;
  readonly error?: string;
}

/** Runs every check in parallel, each bounded by `timeoutMs`; 200 when all pass, else 503. */
export async function checkHealth(checks: Record<string, HealthCheck>, timeoutMs = 5_000) {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, AdapterStatus]> => {
      const started = performance.now();
      try {
        const detail = await withTimeout(check(), timeoutMs);
        const latencyMs = Math.round(performance.now() - started);
        return [name, { status: 'ok', latencyMs, ...(detail ? { detail } : {}) }];
      } catch (error) {
        const latencyMs = Math.round(performance.now() - started);
        return [name, { status: 'error', latencyMs, error: (error as Error).message }];
      }
    }),
  );
  const adapters = Object.fromEntries(entries);
  const ok = entries.every(([, s]) => s.status === 'ok');
  return { status: ok ? 'ok' : 'degraded', adapters } as const;
}

export function makeHealthHandler(checks: Record<string, HealthCheck>) {
  const health = async (_event: APIGatewayProxyEventV2): Promise<HttpResponse> => {
    const report = await checkHealth(checks);
    return jsonResponse(report.status === 'ok' ? 200 : 503, report);
  };
  return middy<APIGatewayProxyEventV2, HttpResponse>(health).use(httpErrorHandler());
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const handler = lazyHandler(async () => {
  // Imported on first use so the local runtime, which also loads this file, never loads the AWS SDK.
  const { awsDependencies } = await import('../composition/aws-dependencies');
  return makeHealthHandler(healthChecks(await awsDependencies()));
});
