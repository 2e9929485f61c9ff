/**
 * Values that SDKs and integrations send when they have no real identifier: stitching on them would
 * merge every visitor who sent one into a single person (the classic over-merge). Compared after
 * trimming and lower-casing.
 */
const BLOCKED = new Set([
  '',
  'null',
  'undefined',
  'nil',
  'none',
  'nan',
  'true',
  'false',
  '0',
  '-1',
  'anonymous',
  'anon',
  'unknown',
  'guest',
  'n/a',
  'not set',
  '(not set)',
  'not_set',
  'id',
  'distinct_id',
  'distinctid',
  'not_authenticated',
  'email',
  '[object object]',
  '{}',
  '[]',
  '""',
  "''",
  // A nil formatted as text: Objective-C's and C's `%@`/`%s` of nil/NULL, Go's `%v` of nil.
  '(null)',
  '<nil>',
]);

/** Addresses people type into forms when they will not give theirs. */
const BLOCKED_EMAILS = new Set([
  'test@test.com',
  'test@example.com',
  'email@example.com',
  'user@example.com',
  'example@example.com',
  'a@a.com',
  'no@email.com',
  'none@none.com',
  'noemail@noemail.com',
]);

/**
 * All-zero ids: an IDFA/GAID with ad tracking limited, a nil UUID (bare or in braces, as Windows
 * writes GUIDs), `0000-...`, and a phone of zeros (normalized to `+000...` when it starts with `00`).
 */
const ALL_ZEROS = /^\+?[0\-:.]+$|^\{[0-]+\}$/;

/** Why a value is refused as an identifier, or `undefined` when it may be used. */
export function blockedReason(normalizedValue: string): string | undefined {
  const folded = normalizedValue.trim().toLowerCase();
  if (BLOCKED.has(folded)) return 'blocked_value';
  if (ALL_ZEROS.test(folded)) return 'all_zero';
  if (BLOCKED_EMAILS.has(folded)) return 'blocked_email';
  if (/^(no-?reply|donotreply|do-not-reply)@/.test(folded)) return 'blocked_email';
  return undefined;
}
