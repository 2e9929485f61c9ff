import type { ConversionStatus } from '../../db/schema/postbacks';
import type { PostbackFields, RawConversion } from '../raw-conversion';

/** Reads one network's documented postback fields into our conversion fields. */
export interface NetworkParser {
  read(fields: PostbackFields): RawConversion;
  /** Assumed when the postback names no status (most networks only fire on approved conversions). */
  readonly defaultStatus: ConversionStatus;
  /** Assumed when the postback names no event. */
  readonly defaultEventName: string;
}
