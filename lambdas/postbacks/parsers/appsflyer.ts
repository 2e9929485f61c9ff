import { given, type PostbackFields, pick, type RawConversion } from '../raw-conversion';
import type { NetworkParser } from './network-parser';

/**
 * AppsFlyer Push API (v2, raw-data field names), as a JSON POST or a GET: `event_name`
 * (`install` for installs), `event_time` and `install_time` (`YYYY-MM-DD HH:MM:SS.fff`, UTC),
 * `event_revenue` / `event_revenue_currency`, `event_value` (a JSON string, read for
 * `af_order_id`), `appsflyer_id`, `advertising_id` (GAID), `idfa`, `idfv`, `customer_user_id`,
 * `media_source`, `campaign`, `af_siteid`, `platform`, `af_sub1`…`af_sub5`. AppsFlyer sends no
 * transaction id: an order id when the event has one, else device + event + time, is one.
 *
 * @example
 * appsflyerParser.read({ appsflyer_id: '1690…-77', event_name: 'install', event_time: '2024-05-01 10:00:00.000' });
 */
export const appsflyerParser: NetworkParser = {
  defaultStatus: 'approved',
  defaultEventName: 'install',
  read(fields: PostbackFields): RawConversion {
    const device = pick(fields, 'appsflyer_id');
    const eventName = pick(fields, 'event_name');
    const eventTime = pick(fields, 'event_time');
    const orderId = orderIdOf(fields.event_value);
    const composed = device.value
      ? `${device.value}:${eventName.value ?? 'install'}:${eventTime.value ?? pick(fields, 'install_time').value ?? ''}`
      : undefined;
    return {
      transactionId: orderId ? given(orderId, 'event_value') : given(composed, 'appsflyer_id'),
      amount: pick(fields, 'event_revenue'),
      currency: pick(fields, 'event_revenue_currency'),
      eventName,
      eventTime,
      installTime: pick(fields, 'install_time'),
      idfa: pick(fields, 'idfa'),
      gaid: pick(fields, 'advertising_id'),
      idfv: pick(fields, 'idfv'),
      deviceId: device,
      userId: pick(fields, 'customer_user_id'),
      affiliateId: pick(fields, 'af_siteid'),
      mediaSource: pick(fields, 'media_source'),
      campaign: pick(fields, 'campaign'),
      platform: pick(fields, 'platform'),
      sub1: pick(fields, 'af_sub1'),
      sub2: pick(fields, 'af_sub2'),
      sub3: pick(fields, 'af_sub3'),
      sub4: pick(fields, 'af_sub4'),
      sub5: pick(fields, 'af_sub5'),
    };
  },
};

/** `af_order_id` (or `af_receipt_id`) from the event's JSON `event_value`, when it parses and has one. */
function orderIdOf(eventValue: string | undefined): string | undefined {
  if (!eventValue?.trimStart().startsWith('{')) return undefined;
  try {
    const value = JSON.parse(eventValue) as Record<string, unknown>;
    const id = value.af_order_id ?? value.af_receipt_id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
  } catch {
    return undefined;
  }
}
