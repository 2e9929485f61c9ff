import { EMAIL_VALUE, isPiiKey } from '../core/pii-keys';

/**
 * Whether a trait must be encrypted: its key names personal data, or its value holds an e-mail address
 * or, at any depth, a key that names personal data (`billing: { phone: '…' }`).
 *
 * @example
 * isPiiTrait('First Name', 'Ada'); // true
 * isPiiTrait('billing', { full_name: 'Ada King' }); // true
 * isPiiTrait('plan', 'pro');       // false
 */
export function isPiiTrait(key: string, value: unknown): boolean {
  if (isPiiKey(key)) return true;
  return holdsPii(value, 0);
}

/** Past this depth a value is sealed rather than searched further. */
const MAX_DEPTH = 8;

function holdsPii(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return EMAIL_VALUE.test(value.trim());
  if (typeof value !== 'object' || value === null) return false;
  if (depth > MAX_DEPTH) return true;
  if (Array.isArray(value)) return value.some((item) => holdsPii(item, depth + 1));
  return Object.entries(value).some(([key, item]) => isPiiKey(key) || holdsPii(item, depth + 1));
}
