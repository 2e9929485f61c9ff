import { EMAIL_VALUE, isPiiKey } from '../core/pii-keys';

/**
 * Whether a trait must be encrypted: its key names personal data, or its value holds an e-mail address.
 *
 * @example
 * isPiiTrait('First Name', 'Ada'); // true
 * isPiiTrait('plan', 'pro');       // false
 */
export function isPiiTrait(key: string, value: unknown): boolean {
  if (isPiiKey(key)) return true;
  return holdsEmail(value, 0);
}

function holdsEmail(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return EMAIL_VALUE.test(value.trim());
  if (typeof value !== 'object' || value === null || depth > 8) return false;
  return Object.values(value).some((item) => holdsEmail(item, depth + 1));
}
