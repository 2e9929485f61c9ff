import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { sql as raw } from 'kysely';
import { z } from 'zod';
import { parseInput } from '../api/http/validation';
import { siteSettingsBody } from '../api/sites/site-inputs';
import { settingsView } from '../api/sites/site-settings-routes';
import type { DashboardSiteSettings } from '../api/sites/site-view';
import { ForbiddenError, UnauthorizedError } from '../core/errors';
import { httpResponseForError } from '../core/http/error-handler';
import { header, jsonBody } from '../core/http/request';
import { type HttpResponse, jsonResponse } from '../core/http/responses';
import { createOrganizationKeyring, erasePerson, exportPerson, type LookupQuery, lookupPerson } from '../identity';
import { listSoftLinks } from '../identity/soft-link-listing';
import { reviewSoftLink } from '../identity/soft-link-review';
import { LOCAL_DATABASE } from '../lake/named-queries';
import { runDailyMaintenance } from '../lifecycle/daily-maintenance';
import type { FailedEventFilter, ReplayOutcome } from '../pipeline/failed-events';
import type { Analytics } from '../ports/analytics';
import type { DataKeyWrapper } from '../ports/key-wrapper';
import type { ObjectStore } from '../ports/object-store';
import type { Sql } from '../ports/sql';
import { changeSiteSettings } from '../sites/change-site-settings';
import { createSite } from '../sites/create-site';
import { type DeadLetterQueues, queueDepths, redriveDeadLetters } from './dead-letters';

const commandSchema = z.discriminatedUnion('command', [
  z.object({
    command: z.literal('sites.create'),
    organizationId: z.string().uuid().optional(),
    domain: z.string().min(1).max(253),
    name: z.string().min(1).max(200).optional(),
  }),
  z.object({
    command: z.literal('sites.settings'),
    siteId: z.string().uuid(),
    /** Validated by the command itself (the API's schema), so its error names the field. */
    change: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({ command: z.literal('sql.query'), sql: z.string().min(1).max(100_000) }),
  z.object({
    command: z.literal('persons.lookup'),
    type: z.string().min(1).max(32),
    value: z.string().min(1).max(1024),
    siteId: z.string().uuid().optional(),
  }),
  // A UUID, as the API's `{personId}`: anything else would reach PostgreSQL and fail there.
  z.object({ command: z.literal('persons.export'), personId: z.uuid() }),
  z.object({ command: z.literal('persons.erase'), personId: z.uuid() }),
  z.object({
    command: z.literal('persons.softLinks'),
    status: z.enum(['open', 'accepted', 'rejected']).optional(),
    siteId: z.string().uuid().optional(),
    // A page, as the API's: without them only the first hundred could ever be listed.
    limit: z.number().int().min(1).max(1_000).optional(),
    offset: z.number().int().min(0).max(1_000_000).optional(),
  }),
  z.object({
    command: z.literal('persons.reviewLink'),
    linkId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    decision: z.enum(['accept', 'reject']),
    /** Who decides, recorded with the decision (the CLI's `--by`, by default the OS user name). */
    by: z.string().trim().min(1).max(320),
  }),
  z.object({ command: z.literal('maintain.daily') }),
  z.object({ command: z.literal('queues.status') }),
  z.object({
    command: z.literal('queues.redrive'),
    queue: z.enum(['identity', 'enrich']),
    limit: z.number().int().min(1).max(100_000).optional(),
  }),
  z.object({
    command: z.literal('failed.replay'),
    reason: z.string().max(64).optional(),
    siteId: z.string().max(64).optional(),
    since: z.string().max(10).optional(),
    limit: z.number().int().min(1).max(100_000).optional(),
  }),
]);

export type ControlCommand = z.infer<typeof commandSchema>;

/**
 * Lets the CLI act on a running `npm start` (whose embedded database only one process may open):
 * loopback callers holding the token from the data directory's `runtime.json` only.
 */
export interface ControlDeps {
  readonly sql: Sql;
  /** The lake directory: retention deletes expired partitions from it, the session rollup writes to it. */
  readonly lake: ObjectStore;
  /** DuckDB over the lake, for the session rollup. */
  readonly analytics: Analytics;
  readonly keyWrapper: DataKeyWrapper;
  readonly defaultOrganizationId: string;
  readonly replay: (filter: FailedEventFilter) => Promise<ReplayOutcome[]>;
  /** The local queues and what they parked (`sightline queues`). */
  readonly queues: DeadLetterQueues;
}

export function makeControlHandler(deps: ControlDeps & { token: string }) {
  const expected = Buffer.from(deps.token);
  return async (event: APIGatewayProxyEventV2): Promise<HttpResponse> => {
    try {
      const source = event.requestContext.http.sourceIp;
      if (source !== '127.0.0.1' && source !== '::1') throw new ForbiddenError('control is loopback-only');
      const given = Buffer.from(header(event, 'x-sightline-control') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new UnauthorizedError('control token is wrong');
      }
      return jsonResponse(200, await runControlCommand(deps, jsonBody(event, 256 * 1024)));
    } catch (error) {
      return httpResponseForError(error);
    }
  };
}

/**
 * Runs a CLI command against a database, in or out of a running runtime. The command (a
 * `ControlCommand`) is validated here, whichever way it came: a failure is a `ValidationError`
 * naming the field at fault (`personId`, `siteId`; `body` when it is not an object), so a bad id
 * never reaches PostgreSQL.
 *
 * @example
 * await runControlCommand(deps, { command: 'persons.export', personId });
 */
export async function runControlCommand(deps: ControlDeps, given: unknown) {
  const command = parseInput(commandSchema, given, 'body');
  const { sql } = deps;
  switch (command.command) {
    case 'sites.create':
      return createSite(sql, {
        organizationId: command.organizationId ?? deps.defaultOrganizationId,
        domain: command.domain,
        ...(command.name ? { name: command.name } : {}),
      });
    case 'sites.settings': {
      const organizationId = deps.defaultOrganizationId;
      const change = parseInput(siteSettingsBody, command.change ?? {}, 'body');
      const settings = await changeSiteSettings<DashboardSiteSettings>(sql, organizationId, command.siteId, change);
      return settingsView(settings);
    }
    case 'sql.query': {
      const result = await raw.raw<Record<string, unknown>>(command.sql).execute(sql.db);
      return { rows: result.rows };
    }
    case 'persons.lookup':
    case 'persons.export':
    case 'persons.erase': {
      const access = { sql, keyring: createOrganizationKeyring(sql, deps.keyWrapper) };
      const organizationId = deps.defaultOrganizationId;
      if (command.command === 'persons.lookup') {
        const { type, value, siteId } = command;
        return lookupPerson(access, { organizationId, type, value, ...(siteId ? { siteId } : {}) } as LookupQuery);
      }
      if (command.command === 'persons.export')
        return exportPerson(
          access,
          { organizationId, personId: command.personId },
          { analytics: deps.analytics, analyticsDatabase: LOCAL_DATABASE, allPages: true },
        );
      return erasePerson(access, { organizationId, personId: command.personId });
    }
    case 'persons.softLinks':
      return listSoftLinks(sql, {
        organizationId: deps.defaultOrganizationId,
        ...(command.status ? { status: command.status } : {}),
        ...(command.siteId ? { siteId: command.siteId } : {}),
        ...(command.limit !== undefined ? { limit: command.limit } : {}),
        ...(command.offset !== undefined ? { offset: command.offset } : {}),
      });
    case 'persons.reviewLink':
      return reviewSoftLink(
        { sql, keyring: createOrganizationKeyring(sql, deps.keyWrapper) },
        {
          organizationId: deps.defaultOrganizationId,
          linkId: command.linkId,
          decision: command.decision,
          decidedBy: command.by,
        },
      );
    case 'maintain.daily':
      return runDailyMaintenance(
        {
          sql,
          lake: deps.lake,
          keyring: createOrganizationKeyring(sql, deps.keyWrapper),
          analytics: deps.analytics,
          analyticsDatabase: LOCAL_DATABASE,
        },
        new Date(),
      );
    case 'queues.status':
      return queueDepths(deps.queues);
    case 'queues.redrive':
      return redriveDeadLetters(deps.queues, command.queue, command.limit);
    case 'failed.replay': {
      const { command: _, ...filter } = command;
      return { outcomes: await deps.replay(filter as FailedEventFilter) };
    }
  }
}
