import type { GenericFieldMapping } from '../../db/schema/postbacks';
import { type ConversionField, type PostbackFields, pick, type RawConversion } from '../raw-conversion';
import type { NetworkParser } from './network-parser';

type MappedField = Exclude<keyof GenericFieldMapping, 'transactionId' | 'subIds' | 'statusValues'> & ConversionField;

const MAPPED: readonly MappedField[] = [
  'clickId',
  'amount',
  'payout',
  'currency',
  'status',
  'eventName',
  'eventTime',
  'installTime',
  'idfa',
  'gaid',
  'idfv',
  'deviceId',
  'userId',
  'anonymousId',
  'affiliateId',
  'offerId',
  'campaign',
];
const SUBS = ['sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const;

/**
 * A parser for a site's own field mapping: each conversion field is read from the request field
 * the mapping names (a query or form parameter, or a dot path into a JSON body).
 *
 * @example
 * genericParser({ transactionId: 'order_id', amount: 'total' }).read({ order_id: 'A-1', total: '30' });
 */
export function genericParser(mapping: GenericFieldMapping): NetworkParser {
  return {
    defaultStatus: 'approved',
    defaultEventName: 'conversion',
    read(fields: PostbackFields): RawConversion {
      const raw: Record<string, ReturnType<typeof pick>> = { transactionId: pick(fields, mapping.transactionId) };
      for (const key of MAPPED) {
        const source = mapping[key];
        if (source) raw[key] = pick(fields, source);
      }
      for (const key of SUBS) {
        const source = mapping.subIds?.[key];
        if (source) raw[key] = pick(fields, source);
      }
      return raw as RawConversion;
    },
  };
}
