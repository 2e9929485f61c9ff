import { given, type PostbackFields, pick, type RawConversion } from '../raw-conversion';
import type { NetworkParser } from './network-parser';

/**
 * TUNE (HasOffers) affiliate postbacks, parameters named after TUNE's macros:
 * `?transaction_id={transaction_id}&offer_id={offer_id}&affiliate_id={affiliate_id}
 * &aff_sub={aff_sub}…&aff_sub5={aff_sub5}&payout={payout}&sale_amount={sale_amount}
 * &currency={currency}&goal_id={goal_id}&ios_ifa={ios_ifa}&google_aid={google_aid}&datetime={datetime}`.
 * The transaction id names the click session; each goal converts once per session.
 *
 * @example
 * tuneParser.read({ transaction_id: '102a', goal_id: '7' }).transactionId; // { value: '102a:7', field: 'transaction_id' }
 */
export const tuneParser: NetworkParser = {
  defaultStatus: 'approved',
  defaultEventName: 'conversion',
  read(fields: PostbackFields): RawConversion {
    const click = pick(fields, 'transaction_id');
    const goalId = pick(fields, 'goal_id').value;
    const goalName = pick(fields, 'goal_name');
    return {
      transactionId: given(click.value ? `${click.value}${goalId ? `:${goalId}` : ''}` : undefined, 'transaction_id'),
      clickId: click,
      amount: pick(fields, 'sale_amount'),
      payout: pick(fields, 'payout'),
      currency: pick(fields, 'currency'),
      status: pick(fields, 'status'),
      eventName: goalName.value ? goalName : given(goalId ? `goal_${goalId}` : undefined, 'goal_id'),
      eventTime: pick(fields, 'datetime', 'date'),
      idfa: pick(fields, 'ios_ifa'),
      gaid: pick(fields, 'google_aid'),
      deviceId: pick(fields, 'android_id'),
      affiliateId: pick(fields, 'affiliate_id'),
      offerId: pick(fields, 'offer_id'),
      mediaSource: pick(fields, 'source'),
      sub1: pick(fields, 'aff_sub', 'aff_sub1'),
      sub2: pick(fields, 'aff_sub2'),
      sub3: pick(fields, 'aff_sub3'),
      sub4: pick(fields, 'aff_sub4'),
      sub5: pick(fields, 'aff_sub5'),
    };
  },
};
