import { decimalAmount } from '../conversion-values';
import { given, type Picked, type PostbackFields, pick, type RawConversion } from '../raw-conversion';
import type { NetworkParser } from './network-parser';

/**
 * Adjust raw-data callbacks, parameters named after Adjust's placeholders: `activity_kind`
 * (install, event, reattribution, …), `event` (token) / `event_name`, `revenue_float` (whole
 * units) or `revenue` (cents), `currency`, `created_at` / `installed_at` (Unix seconds),
 * `gps_adid`, `idfa`, `idfv`, `adid`, `network_name`, `campaign_name`, `os_name`. Adjust sends no
 * transaction id: `transaction_id` (a callback parameter) when present, else the device, activity,
 * event and time make one.
 *
 * @example
 * adjustParser.read({ activity_kind: 'event', event_name: 'purchase', revenue: '1999', adid: 'a1', created_at: '1714557600' }).amount;
 * // { value: '19.99', field: 'revenue' }
 */
export const adjustParser: NetworkParser = {
  defaultStatus: 'approved',
  defaultEventName: 'install',
  read(fields: PostbackFields): RawConversion {
    const kind = pick(fields, 'activity_kind');
    const token = pick(fields, 'event');
    const named = pick(fields, 'event_name');
    const device = pick(fields, 'adid');
    const createdAt = pick(fields, 'created_at');
    const explicit = pick(fields, 'transaction_id');
    const isEvent = kind.value === undefined || kind.value === 'event';
    const composed = device.value
      ? [device.value, kind.value ?? 'event', token.value ?? '', createdAt.value ?? ''].join(':')
      : undefined;
    return {
      transactionId: explicit.value ? explicit : given(composed, 'adid'),
      amount: amountOf(fields),
      currency: pick(fields, 'currency'),
      eventName: isEvent ? (named.value ? named : token) : kind,
      eventTime: createdAt,
      installTime: pick(fields, 'installed_at'),
      idfa: pick(fields, 'idfa'),
      gaid: pick(fields, 'gps_adid'),
      idfv: pick(fields, 'idfv'),
      deviceId: device,
      userId: pick(fields, 'user_id'),
      mediaSource: pick(fields, 'network_name'),
      campaign: pick(fields, 'campaign_name'),
      platform: pick(fields, 'os_name'),
    };
  },
};

/** `revenue_float` as given; else `revenue`, which Adjust reports in cents. */
function amountOf(fields: PostbackFields): Picked {
  const whole = pick(fields, 'revenue_float');
  if (whole.value) return whole;
  const cents = pick(fields, 'revenue');
  if (!cents.value || !/^\d{1,16}$/.test(cents.value)) return cents;
  const padded = cents.value.padStart(3, '0');
  return { value: decimalAmount(`${padded.slice(0, -2)}.${padded.slice(-2)}`) ?? cents.value, field: cents.field };
}
