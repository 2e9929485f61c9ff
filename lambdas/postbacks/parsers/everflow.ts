import { given, type Picked, type PostbackFields, pick, type RawConversion } from '../raw-conversion';
import type { NetworkParser } from './network-parser';

/**
 * Everflow partner postbacks, with parameters named after Everflow's macros:
 * `?transaction_id={transaction_id}&conversion_id={conversion_id}&sale_amount={sale_amount}
 * &payout_amount={payout_amount}&sub1={sub1}…&event_id={event_id}&idfa={idfa}&google_aid={google_aid}`.
 * Everflow's `transaction_id` is its click id; a base conversion is unique per click and each
 * post-conversion event per event id, so without `conversion_id` the two make the transaction id.
 * Amounts may use a decimal comma (`12,34`), as Everflow documents.
 *
 * @example
 * everflowParser.read({ transaction_id: 'abc', sale_amount: '12,34' }).amount; // { value: '12.34', field: 'sale_amount' }
 */
export const everflowParser: NetworkParser = {
  defaultStatus: 'approved',
  defaultEventName: 'conversion',
  read(fields: PostbackFields): RawConversion {
    const click = pick(fields, 'transaction_id');
    const eventId = pick(fields, 'event_id').value;
    const conversionId = pick(fields, 'conversion_id');
    const composed = click.value ? `${click.value}${eventId && eventId !== '0' ? `:${eventId}` : ''}` : undefined;
    const eventName = pick(fields, 'event_name', 'event');
    return {
      transactionId: conversionId.value ? conversionId : given(composed, 'transaction_id'),
      clickId: click,
      amount: decimalComma(pick(fields, 'sale_amount', 'amount')),
      payout: decimalComma(pick(fields, 'payout_amount', 'payout')),
      currency: pick(fields, 'currency'),
      status: pick(fields, 'status', 'conversion_status'),
      eventName: eventName.value
        ? eventName
        : given(eventId && eventId !== '0' ? `event_${eventId}` : undefined, 'event_id'),
      eventTime: pick(fields, 'conversion_unix_timestamp', 'timestamp'),
      idfa: pick(fields, 'idfa'),
      gaid: pick(fields, 'google_aid', 'gaid'),
      idfv: pick(fields, 'idfv'),
      userId: pick(fields, 'user_id'),
      affiliateId: pick(fields, 'affiliate_id'),
      offerId: pick(fields, 'offer_id'),
      mediaSource: pick(fields, 'source_id'),
      sub1: pick(fields, 'sub1'),
      sub2: pick(fields, 'sub2'),
      sub3: pick(fields, 'sub3'),
      sub4: pick(fields, 'sub4'),
      sub5: pick(fields, 'sub5'),
    };
  },
};

/** `12,34` → `12.34`: only a lone comma with one or two decimals, never a thousands separator. */
function decimalComma(picked: Picked): Picked {
  const value = picked.value;
  return value && /^\d+,\d{1,2}$/.test(value) ? { ...picked, value: value.replace(',', '.') } : picked;
}
