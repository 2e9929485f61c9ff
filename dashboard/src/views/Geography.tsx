import { BreakdownView } from '../components/BreakdownView';
import { flag } from '../format';

export function Geography() {
  return (
    <BreakdownView
      title="Geography"
      description="Visitors by country, region and city (GeoIP of the truncated IP, or CloudFront's viewer location)."
      group="geo"
      kinds={[
        { value: 'country', label: 'Countries', empty: 'No visitors in this range' },
        { value: 'region', label: 'Regions', empty: 'No visitors in this range' },
        { value: 'city', label: 'Cities', empty: 'No visitors in this range' },
      ]}
      renderDimension={(key, value) =>
        value === null ? (
          <span className="muted">(unknown)</span>
        ) : key === 'country' ? (
          `${flag(String(value))} ${value}`
        ) : (
          String(value)
        )
      }
    />
  );
}
