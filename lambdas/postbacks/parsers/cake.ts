import { type PostbackFields, pick, type RawConversion } from '../raw-conversion';
import type { NetworkParser } from './network-parser';

/**
 * CAKE affiliate postbacks, parameters named after CAKE's tokens:
 * `?leadid=#leadid#&tid=#tid#&reqid=#reqid#&affid=#affid#&oid=#oid#&campid=#campid#
 * &s1=#s1#…&s5=#s5#&price=#price#&udid=#udid#&utcunixtime=#utcunixtime#`.
 * `leadid` is CAKE's own id of the conversion (else the advertiser's `tid`); `price` is the
 * payout; `reqid` the request session id that ties the conversion to the click.
 *
 * @example
 * cakeParser.read({ leadid: '9001', price: '4.50', s2: 'clk-1' }).payout; // { value: '4.50', field: 'price' }
 */
export const cakeParser: NetworkParser = {
  defaultStatus: 'approved',
  defaultEventName: 'conversion',
  read(fields: PostbackFields): RawConversion {
    return {
      transactionId: pick(fields, 'leadid', 'tid'),
      clickId: pick(fields, 'reqid'),
      amount: pick(fields, 'amount'),
      payout: pick(fields, 'price'),
      currency: pick(fields, 'currency'),
      status: pick(fields, 'status'),
      eventTime: pick(fields, 'utcunixtime', 'sourcetime'),
      deviceId: pick(fields, 'udid'),
      affiliateId: pick(fields, 'affid'),
      offerId: pick(fields, 'oid'),
      campaign: pick(fields, 'campid'),
      sub1: pick(fields, 's1'),
      sub2: pick(fields, 's2'),
      sub3: pick(fields, 's3'),
      sub4: pick(fields, 's4'),
      sub5: pick(fields, 's5'),
    };
  },
};
