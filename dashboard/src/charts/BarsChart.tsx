import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatNumber } from '../format';

/** Horizontal bars for a short ranked list (funnel steps, device types). */
export function BarsChart({
  data,
  label,
}: {
  data: readonly { readonly name: string; readonly value: number }[];
  label: string;
}) {
  return (
    <div className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={Math.max(120, data.length * 44 + 30)}>
        <BarChart data={[...data]} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid stroke="#e6e8ee" horizontal={false} />
          <XAxis type="number" tickFormatter={formatNumber} tick={{ fontSize: 12 }} allowDecimals={false} />
          <YAxis type="category" dataKey="name" width={140} tick={{ fontSize: 12 }} />
          <Tooltip formatter={(value) => formatNumber(Number(value))} />
          <Bar dataKey="value" name={label} fill="#4f46e5" radius={[0, 4, 4, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
