/**
 * Keys that hold personal data, compared after lower-casing and dropping `_`, `-`, `.` and spaces
 * (`firstName`, `first_name` and `First Name` are one key). One list for both sides: the identity
 * store encrypts these, enrichment strips them from the lake.
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

/** A value that is an e-mail address wherever it sits (`contact`, `login`, ...). */
export const EMAIL_VALUE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Whether a trait or property key names personal data.
 *
 * @example
 * isPiiKey('First Name'); // true
 * isPiiKey('plan');       // false
 */
export function isPiiKey(key: string): boolean {
  return PII_KEYS.has(key.toLowerCase().replace(/[\s_.-]/g, ''));
}
