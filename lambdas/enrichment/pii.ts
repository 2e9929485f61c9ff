import { EMAIL_VALUE, isPiiKey } from '../core/pii-keys';

/** Segment payloads are bounded in size; this bounds the recursion too. */
const MAX_DEPTH = 8;

/**
 * Removes personal data from identify/group traits: known PII keys and any value that is an email
 * address, at any depth (`billing: { phone: '…' }`, `company: { billing: 'ada@example.com' }`).
 * Returns null when nothing is left.
 *
 * @example
 * stripPii({ email: 'a@b.co', firstName: 'Ada', plan: 'pro' }); // { plan: 'pro' }
 */
export function stripPii(traits: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | null {
  if (!traits) return null;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(traits)) {
    if (isPiiKey(key)) continue;
    const clean = withoutEmails(value, 0);
    if (clean !== undefined) kept[key] = clean;
  }
  return Object.keys(kept).length > 0 ? kept : null;
}

/** The value with PII keys and email-address strings dropped (undefined when it is one); deeper nesting is dropped whole. */
function withoutEmails(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return EMAIL_VALUE.test(value.trim()) ? undefined : value;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return undefined;
  if (Array.isArray(value)) return value.map((item) => withoutEmails(item, depth + 1)).filter((v) => v !== undefined);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // A key that names personal data at any depth (`billing: { phone }`), as at the top.
    if (isPiiKey(key)) continue;
    const clean = withoutEmails(item, depth + 1);
    if (clean !== undefined) out[key] = clean;
  }
  return out;
}
