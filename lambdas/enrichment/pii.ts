/**
 * Trait keys that identify a person, compared after lower-casing and dropping `_`, `-`, `.` and
 * spaces (so `firstName`, `first_name` and `First Name` are one key). These go to the identity
 * store, encrypted; the lake, which analysts query freely, never sees them.
 */
const PII_KEYS: ReadonlySet<string> = new Set([
  'email',
  'emailaddress',
  'phone',
  'phonenumber',
  'mobile',
  'mobilephone',
  'name',
  'fullname',
  'firstname',
  'lastname',
  'middlename',
  'surname',
  'givenname',
  'familyname',
  'username',
  'address',
  'street',
  'streetaddress',
  'address1',
  'address2',
  'addressline1',
  'addressline2',
  'postalcode',
  'postcode',
  'zip',
  'zipcode',
  'birthday',
  'birthdate',
  'dateofbirth',
  'dob',
  'ssn',
  'socialsecuritynumber',
  'taxid',
  'passport',
  'ip',
  'ipaddress',
]);

/** A value that is an email address wherever it sits (`contact`, `login`, ...). */
const EMAIL_VALUE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Segment payloads are bounded in size; this bounds the recursion too. */
const MAX_DEPTH = 8;

const normalizeKey = (key: string): string => key.toLowerCase().replace(/[\s_.-]/g, '');

/**
 * Removes personal data from identify/group traits: known PII keys at the top level, and any
 * value that is an email address at any depth (`company: { billing: 'ada@example.com' }`).
 * Returns null when nothing is left.
 *
 * @example
 * stripPii({ email: 'a@b.co', firstName: 'Ada', plan: 'pro' }); // { plan: 'pro' }
 */
export function stripPii(traits: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | null {
  if (!traits) return null;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(traits)) {
    if (PII_KEYS.has(normalizeKey(key))) continue;
    const clean = withoutEmails(value, 0);
    if (clean !== undefined) kept[key] = clean;
  }
  return Object.keys(kept).length > 0 ? kept : null;
}

/** The value with email-address strings dropped (undefined when it is one); deeper nesting is dropped whole. */
function withoutEmails(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return EMAIL_VALUE.test(value.trim()) ? undefined : value;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return undefined;
  if (Array.isArray(value)) return value.map((item) => withoutEmails(item, depth + 1)).filter((v) => v !== undefined);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const clean = withoutEmails(item, depth + 1);
    if (clean !== undefined) out[key] = clean;
  }
  return out;
}
