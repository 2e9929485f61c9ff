import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SeriesPoint } from '../api/types';
import { formatNumber } from '../format';

export type TrendMetric = 'visitors' | 'pageviews' | 'sessions';

const LABELS: Record<TrendMetric, string> = { visitors: 'Visitors', pageviews: 'Page views', sessions: 'Sessions' };

function tick(start: string, hourly: boolean): string {
  if (hourly) return `${start.slice(11, 13)}:00`;
  return new Date(`${start}T00:00:00Z`).toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** One metric over the range, with the previous period dashed behind it for comparison. */
export function TrendChart({
  points,
  previous,
  metric,
  hourly,
}: {
  points: readonly SeriesPoint[];
  previous: readonly SeriesPoint[];
  metric: TrendMetric;
  hourly: boolean;
}) {
  const data = points.map((p, i) => ({
    label: tick(p.start, hourly),
    current: p[metric],
    previous: previous[i]?.[metric] ?? 0,
  }));
  return (
    <div className="chart" role="img" aria-label={`${LABELS[metric]} over time, compared with the previous period`}>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
          <CartesianGrid stroke="#e6e8ee" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 12 }} minTickGap={16} tickLine={false} />
          <YAxis
            tick={{ fontSize: 12 }}
            allowDecimals={false}
            tickFormatter={formatNumber}
            tickLine={false}
            axisLine={false}
          />
          <Tooltip formatter={(value) => formatNumber(Number(value))} />
          <Legend verticalAlign="top" height={28} />
          <Line
            name="Previous period"
            dataKey="previous"
            stroke="#a5adbd"
            strokeDasharray="4 4"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            name={LABELS[metric]}
            dataKey="current"
            stroke="#4f46e5"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
