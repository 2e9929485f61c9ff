import { type PostbackFields, pick, type RawConversion } from '../raw-conversion';
import type { NetworkParser } from './network-parser';

/**
 * impact.com partner postbacks and event notifications, with Impact's case-sensitive names:
 * `ActionId` (unique per action), `OID`, `ClickId` / `irclickid`, `Amount`, `Payout`, `Currency`,
 * `ActionStatus` / `State` / `Status` (PENDING, APPROVED, REVERSED), `ActionTrackerName`,
 * `EventDate` (ISO 8601), `MediaPartnerId`, `CampaignId`, `CampaignName`, `SubId1`…`SubId3`.
 * Impact re-sends an action when it is modified or reversed: the status change updates it.
 *
 * @example
 * impactParser.read({ ActionId: '8882.1234.1234567', ActionStatus: 'REVERSED' }).status; // { value: 'REVERSED', … }
 */
export const impactParser: NetworkParser = {
  defaultStatus: 'pending',
  defaultEventName: 'conversion',
  read(fields: PostbackFields): RawConversion {
    return {
      transactionId: pick(fields, 'ActionId', 'OID'),
      clickId: pick(fields, 'ClickId', 'irclickid'),
      amount: pick(fields, 'Amount', 'SaleAmount', 'IntendedAmount'),
      payout: pick(fields, 'Payout', 'IntendedPayout'),
      currency: pick(fields, 'Currency'),
      status: pick(fields, 'ActionStatus', 'State', 'Status'),
      eventName: pick(fields, 'ActionTrackerName', 'EventTypeName'),
      eventTime: pick(fields, 'EventDate'),
      userId: pick(fields, 'CustomerId'),
      affiliateId: pick(fields, 'MediaPartnerId'),
      offerId: pick(fields, 'CampaignId'),
      campaign: pick(fields, 'CampaignName'),
      sub1: pick(fields, 'SubId1'),
      sub2: pick(fields, 'SubId2'),
      sub3: pick(fields, 'SubId3'),
    };
  },
};
