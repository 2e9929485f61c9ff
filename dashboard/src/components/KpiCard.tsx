import { change, formatPercent } from '../format';

/** A headline number with its change against the previous period (green when it moved the good way). */
export function KpiCard({
  label,
  value,
  current,
  previous,
  lowerIsBetter,
  selected,
  onSelect,
}: {
  label: string;
  value: string;
  current: number | null;
  previous: number | null;
  lowerIsBetter?: boolean;
  selected?: boolean;
  onSelect?: () => void;
}) {
  const delta = change(current, previous);
  const good = delta === null || delta === 0 ? undefined : delta > 0 !== Boolean(lowerIsBetter);
  const body = (
    <>
      <span className="kpi-label">{label}</span>
      <span className="kpi-value">{value}</span>
      <span className={`kpi-delta ${good === undefined ? 'muted' : good ? 'up' : 'down'}`}>
        {delta === null
          ? 'no earlier data'
          : `${delta > 0 ? '▲' : delta < 0 ? '▼' : ''} ${formatPercent(Math.abs(delta))} vs previous`}
      </span>
    </>
  );
  return onSelect ? (
    <button type="button" className={selected ? 'kpi selected' : 'kpi'} aria-pressed={selected} onClick={onSelect}>
      {body}
    </button>
  ) : (
    <div className="kpi">{body}</div>
  );
}
