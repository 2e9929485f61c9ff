/**
 * Trait keys that hold personal data, compared after lower-casing and dropping `_`, `-`, `.` and
 * spaces (`firstName`, `first_name` and `First Name` are one key). Their values are stored only as
 * ciphertext sealed with the person's key. Kept in step with `enrichment/pii.ts`, which strips the
 * same keys from the lake.
 */
const PII_TRAIT_KEYS: ReadonlySet<string> = new Set([
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

const EMAIL_VALUE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Whether a trait must be encrypted: its key names personal data, or its value holds an e-mail address.
 *
 * @example
 * isPiiTrait('First Name', 'Ada'); // true
 * isPiiTrait('plan', 'pro');       // false
 */
export function isPiiTrait(key: string, value: unknown): boolean {
  if (PII_TRAIT_KEYS.has(key.toLowerCase().replace(/[\s_.-]/g, ''))) return true;
  return holdsEmail(value, 0);
}

function holdsEmail(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return EMAIL_VALUE.test(value.trim());
  if (typeof value !== 'object' || value === null || depth > 8) return false;
  return Object.values(value).some((item) => holdsEmail(item, depth + 1));
}
