import { BreakdownView } from '../components/BreakdownView';

export function Sources() {
  return (
    <BreakdownView
      title="Sources"
      description="Sessions by where they landed from: channel, referring site, UTM campaign, ad click id."
      group="sources"
      kinds={[
        { value: 'channels', label: 'Channels', empty: 'No sessions in this range' },
        { value: 'referrers', label: 'Referrers', empty: 'No referred sessions in this range' },
        { value: 'campaigns', label: 'UTM campaigns', empty: 'No sessions with UTM parameters in this range' },
        {
          value: 'click-ids',
          label: 'Click IDs',
          empty: 'No sessions from ad clicks (gclid, fbclid, …) in this range',
        },
      ]}
    />
  );
}
