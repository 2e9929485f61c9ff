import { type DayRollup, singleDayRollup } from './day-rollup';
import { pageDaysSql } from './page-days-sql';
import { SESSION_DAYS_ROLLUP } from './session-days';
import { pageDaysTable, visitorDaysTable } from './tables';
import { visitorDaysSql } from './visitor-days-sql';

/** `visitor_days`: one row per visitor per day, for distinct visitors over any range (Overview). */
export const VISITOR_DAYS_ROLLUP = singleDayRollup(visitorDaysTable, 'visitors', visitorDaysSql);

/** `page_days`: one row per path per day, for page views per path (entry and exit pages). */
export const PAGE_DAYS_ROLLUP = singleDayRollup(pageDaysTable, 'pages', pageDaysSql);

/** Every table the daily job rolls finished days up into, in the order it writes them. */
export const DAILY_ROLLUPS: readonly DayRollup[] = [SESSION_DAYS_ROLLUP, VISITOR_DAYS_ROLLUP, PAGE_DAYS_ROLLUP];
