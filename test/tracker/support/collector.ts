import type { TrackedEvent } from '../../../tracker-sdk/src/types';

export type { TrackedEvent };

/**
 * What the tracker's browser tests need from whatever receives the events: the capture server
 * here, or the real local runtime (collector + lake) once it can serve the fixture pages.
 */
export interface EventCollector {
  /** Origin that serves the fixture pages and `/s.js`, and is the tracker's endpoint. */
  readonly url: string;
  /** Every event accepted so far (2xx), in arrival order, duplicates included. */
  receivedEvents(): Promise<TrackedEvent[]>;
  close(): Promise<void>;
}
