import { PERIODS, type Period } from '../state/date-range';
import { useSites } from '../state/SitesProvider';
import { useFilters } from '../state/useFilters';

/** The site picker and date range every report view shares. */
export function Toolbar({ showRange }: { showRange: boolean }) {
  const filters = useFilters();
  const { data } = useSites();
  const sites = data?.sites ?? [];
  return (
    <div className="toolbar">
      <label className="field inline">
        <span>Site</span>
        <select
          aria-label="Site"
          value={filters.site?.id ?? ''}
          onChange={(e) => filters.setSite(e.target.value)}
          disabled={sites.length === 0}
        >
          {sites.length === 0 ? <option value="">No sites yet</option> : null}
          {sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      {showRange ? (
        <div className="range">
          <label className="field inline">
            <span>Range</span>
            <select
              aria-label="Date range"
              value={filters.period}
              onChange={(e) => filters.setPeriod(e.target.value as Period)}
            >
              {PERIODS.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
          {filters.period === 'custom' ? (
            <span className="custom-range">
              <input
                type="date"
                aria-label="From"
                value={filters.range.from}
                max={filters.range.to}
                onChange={(e) => e.target.value && filters.setCustomRange({ ...filters.range, from: e.target.value })}
              />
              <span aria-hidden="true">–</span>
              <input
                type="date"
                aria-label="To"
                value={filters.range.to}
                min={filters.range.from}
                onChange={(e) => e.target.value && filters.setCustomRange({ ...filters.range, to: e.target.value })}
              />
            </span>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
