/**
 * The dashboard keeps its own copy of the API's answer types (`dashboard/src/api/types.ts`: it is
 * built by Vite and imports nothing from the server). This file holds the two together at compile
 * time (`npm run typecheck`, part of `npm test`): each answer the API's code returns must be
 * assignable to the type the dashboard reads it as, so a field renamed, removed, made nullable or
 * changed in type on the server fails the build instead of a page. Nothing here runs.
 */
import type * as Dashboard from '../../dashboard/src/api/types';
import type { AuthMode } from '../../lambdas/api/auth/auth-mode';
import type { SessionView } from '../../lambdas/api/auth/session-routes';
import type { CompanySummary } from '../../lambdas/api/persons/company-list';
import type { PersonDetail } from '../../lambdas/api/persons/person-detail';
import type { PersonSummary } from '../../lambdas/api/persons/person-summaries';
import type { SoftLinkPage } from '../../lambdas/api/persons/soft-link-list';
import type { SettingsView } from '../../lambdas/api/sites/site-settings-routes';
import type { SiteView } from '../../lambdas/api/sites/site-view';
import type { AttributionModel, AttributionRow } from '../../lambdas/api/stats/attribution-report';
import type { Breakdown } from '../../lambdas/api/stats/breakdowns';
import type { FunnelStep } from '../../lambdas/api/stats/funnel';
import type { Page } from '../../lambdas/api/stats/lake-reader';
import type { Overview, OverviewTotals } from '../../lambdas/api/stats/overview';
import type { Realtime, RealtimeEvent } from '../../lambdas/api/stats/realtime';
import type { RetentionCohort } from '../../lambdas/api/stats/retention';
import type { SeriesPoint, Timeseries } from '../../lambdas/api/stats/timeseries';
import type { InvitationView, MemberView } from '../../lambdas/api/team/team-routes';
import type { ErasureReport } from '../../lambdas/identity/erase-person';
import type { PersonExport } from '../../lambdas/identity/export-person';
import type { PersonProfile } from '../../lambdas/identity/person-profile';
import type { SoftLinkReview } from '../../lambdas/identity/soft-link-review';

/** `true` when what the server sends can be read as what the dashboard expects. */
type Reads<Server, Client> = [Server] extends [Client] ? true : false;
/** Both ways: the two name the same values. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const apiAnswersTheDashboardReads: readonly true[] = [
  true satisfies Reads<OverviewTotals, Dashboard.Totals>,
  true satisfies Reads<Overview, Dashboard.Overview>,
  true satisfies Reads<SeriesPoint, Dashboard.SeriesPoint>,
  true satisfies Reads<Timeseries, Dashboard.Timeseries>,
  true satisfies Reads<Page<{ a: string }>, Dashboard.Page<{ a: string }>>,
  true satisfies Reads<Breakdown, Dashboard.Breakdown>,
  true satisfies Reads<RealtimeEvent, Dashboard.RealtimeEvent>,
  true satisfies Reads<Realtime, Dashboard.Realtime>,
  true satisfies Reads<FunnelStep, Dashboard.FunnelStep>,
  true satisfies Reads<RetentionCohort, Dashboard.RetentionCohort>,
  true satisfies Reads<PersonSummary, Dashboard.PersonSummary>,
  true satisfies Reads<PersonProfile, Dashboard.PersonProfile>,
  true satisfies Reads<PersonDetail, Dashboard.PersonDetail>,
  true satisfies Reads<SoftLinkPage, Dashboard.SoftLinkPage>,
  true satisfies Reads<CompanySummary, Dashboard.CompanySummary>,
  true satisfies Reads<SiteView, Dashboard.Site>,
  true satisfies Reads<AttributionRow, Dashboard.AttributionRow>,
  true satisfies Same<AttributionModel, Dashboard.AttributionModel>,
  true satisfies Reads<AuthMode, Dashboard.AuthConfig>,
  true satisfies Reads<SessionView, Dashboard.Session>,
  true satisfies Reads<MemberView, Dashboard.Member>,
  true satisfies Reads<InvitationView, Dashboard.Invitation>,
  true satisfies Reads<SettingsView, Dashboard.SiteSettings>,
  true satisfies Reads<SoftLinkReview, Dashboard.SoftLinkReview>,
  true satisfies Reads<ErasureReport, Dashboard.ErasureReport>,
  true satisfies Reads<PersonExport, Dashboard.PersonExport>,
];
