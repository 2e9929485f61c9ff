import { given, type PostbackFields, pick, type RawConversion } from '../raw-conversion';
import type { NetworkParser } from './network-parser';

/**
 * Trackier postbacks with Trackier's parameter names: `click_id`, `txn_id` (the advertiser's
 * order or lead id), `sale_amount`, `revenue` (the dynamic payout), `currency`, `status`
 * (approved, pending, rejected, cancelled), `goal_value` / `goal_id`, `sub1`…`sub5` (publisher
 * `p1`…`p5` as a fallback), `idfa`, `gaid`. Without `txn_id` a goal converts once per click.
 *
 * @example
 * trackierParser.read({ click_id: 'c1', txn_id: 'ord-9', status: 'cancelled' }).status; // { value: 'cancelled', field: 'status' }
 */
export const trackierParser: NetworkParser = {
  defaultStatus: 'approved',
  defaultEventName: 'conversion',
  read(fields: PostbackFields): RawConversion {
    const click = pick(fields, 'click_id');
    const goal = pick(fields, 'goal_value', 'goal_id');
    const txn = pick(fields, 'txn_id');
    const composed = click.value ? `${click.value}:${goal.value ?? 'default'}` : undefined;
    return {
      transactionId: txn.value ? txn : given(composed, 'txn_id'),
      clickId: click,
      amount: pick(fields, 'sale_amount'),
      payout: pick(fields, 'revenue', 'payout'),
      currency: pick(fields, 'currency'),
      status: pick(fields, 'status'),
      eventName: goal,
      eventTime: pick(fields, 'conversion_time', 'timestamp'),
      idfa: pick(fields, 'idfa'),
      gaid: pick(fields, 'gaid'),
      affiliateId: pick(fields, 'pub_id'),
      offerId: pick(fields, 'campaign_id'),
      mediaSource: pick(fields, 'source'),
      sub1: pick(fields, 'sub1', 'p1'),
      sub2: pick(fields, 'sub2', 'p2'),
      sub3: pick(fields, 'sub3', 'p3'),
      sub4: pick(fields, 'sub4', 'p4'),
      sub5: pick(fields, 'sub5', 'p5'),
    };
  },
};
