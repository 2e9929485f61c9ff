/**
 * A resolution found that its region reaches identifiers another transaction holds. It is rolled
 * back (never waiting while holding locks, so no deadlock) and run again taking every one of
 * `lockKeys` up front, in order.
 */
export class RegionContentionError extends Error {
  constructor(readonly lockKeys: readonly string[]) {
    super(`region locks held elsewhere (${lockKeys.length} keys)`);
    this.name = 'RegionContentionError';
  }
}
