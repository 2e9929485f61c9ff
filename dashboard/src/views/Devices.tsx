import { BreakdownView } from '../components/BreakdownView';

export function Devices() {
  return (
    <BreakdownView
      title="Devices"
      description="Visitors by device type, browser and operating system."
      group="devices"
      kinds={[
        { value: 'device', label: 'Device types', empty: 'No visitors in this range' },
        { value: 'browser', label: 'Browsers', empty: 'No visitors in this range' },
        { value: 'os', label: 'Operating systems', empty: 'No visitors in this range' },
      ]}
    />
  );
}
