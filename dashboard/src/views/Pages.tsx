import { BreakdownView } from '../components/BreakdownView';

export function Pages() {
  return (
    <BreakdownView
      title="Pages"
      description="Page views by path; where sessions start (entry) and end (exit)."
      group="pages"
      kinds={[
        { value: 'top', label: 'Top pages', empty: 'No page views in this range' },
        { value: 'entry', label: 'Entry pages', empty: 'No sessions in this range' },
        { value: 'exit', label: 'Exit pages', empty: 'No sessions in this range' },
      ]}
    />
  );
}
