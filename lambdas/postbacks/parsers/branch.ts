import { given, type PostbackFields, pick, type RawConversion } from '../raw-conversion';
import type { NetworkParser } from './network-parser';

/**
 * Branch webhooks (the event ontology JSON, flattened to dot paths): `id` and `name` (INSTALL,
 * PURCHASE, …), `timestamp` (ms), `event_data.transaction_id` / `revenue` / `currency`,
 * `user_data.idfa` / `aaid` / `idfv` / `developer_identity` / `os`, and the link's
 * `last_attributed_touch_data` (`~channel`, `~campaign`, `~advertising_partner_name`, and custom
 * keys `sub1`…`sub5`). The transaction id is the order's when there is one, else Branch's event id.
 *
 * @example
 * branchParser.read({ id: '5432', name: 'PURCHASE', 'event_data.revenue': '9.99' }).eventName; // { value: 'purchase', field: 'name' }
 */
export const branchParser: NetworkParser = {
  defaultStatus: 'approved',
  defaultEventName: 'install',
  read(fields: PostbackFields): RawConversion {
    const name = pick(fields, 'name');
    const touch = (key: string) => `last_attributed_touch_data.${key}`;
    return {
      transactionId: pick(fields, 'event_data.transaction_id', 'id'),
      amount: pick(fields, 'event_data.revenue'),
      currency: pick(fields, 'event_data.currency'),
      eventName: given(name.value?.toLowerCase(), name.field),
      eventTime: pick(fields, 'timestamp'),
      installTime: pick(fields, 'install_activity.timestamp'),
      idfa: pick(fields, 'user_data.idfa'),
      gaid: pick(fields, 'user_data.aaid'),
      idfv: pick(fields, 'user_data.idfv'),
      userId: pick(fields, 'user_data.developer_identity'),
      platform: pick(fields, 'user_data.os'),
      mediaSource: pick(fields, touch('~advertising_partner_name'), touch('~channel')),
      campaign: pick(fields, touch('~campaign')),
      sub1: pick(fields, touch('sub1')),
      sub2: pick(fields, touch('sub2')),
      sub3: pick(fields, touch('sub3')),
      sub4: pick(fields, touch('sub4')),
      sub5: pick(fields, touch('sub5')),
    };
  },
};
