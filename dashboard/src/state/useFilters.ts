import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { DateRange, Site } from '../api/types';
import { isDay, type Period, presetRange } from './date-range';
import { useSites } from './SitesProvider';

const SITE_KEY = 'sightline.site';

export interface Filters {
  readonly site: Site | undefined;
  readonly period: Period;
  readonly range: DateRange;
  setSite(siteId: string): void;
  setPeriod(period: Period): void;
  setCustomRange(range: DateRange): void;
}

/**
 * The site and date range every report reads, kept in the URL (`?site=&period=&from=&to=`) so a
 * view can be bookmarked and shared; the last site chosen is remembered for the next visit.
 */
export function useFilters(): Filters {
  const [params, setParams] = useSearchParams();
  const { data } = useSites();
  const sites = data?.sites ?? [];
  const wanted = params.get('site') ?? localStorage.getItem(SITE_KEY);
  const site = sites.find((s) => s.id === wanted) ?? sites[0];
  const periodParam = params.get('period') as Period | null;
  const from = params.get('from');
  const to = params.get('to');
  const period: Period = periodParam === 'custom' && isDay(from) && isDay(to) ? 'custom' : (periodParam ?? '7d');
  const range = useMemo(
    () =>
      period === 'custom' && isDay(from) && isDay(to) ? { from, to } : presetRange(period === 'custom' ? '7d' : period),
    [period, from, to],
  );

  const update = useCallback(
    (changes: Record<string, string | undefined>) =>
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(changes)) {
            if (value === undefined) next.delete(key);
            else next.set(key, value);
          }
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  return {
    site,
    period,
    range,
    setSite: (siteId) => {
      localStorage.setItem(SITE_KEY, siteId);
      update({ site: siteId });
    },
    setPeriod: (next) =>
      update(next === 'custom' ? { period: 'custom', ...range } : { period: next, from: undefined, to: undefined }),
    setCustomRange: (next) => update({ period: 'custom', from: next.from, to: next.to }),
  };
}
