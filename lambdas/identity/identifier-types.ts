/**
 * The kinds of identifier a person can carry. Pseudonymous ones are stored as given (normalized);
 * PII ones (`email`, `phone`) only as ciphertext plus a blind index (see `crypto/blind-index.ts`).
 */
export const CLICK_ID_TYPES = [
  'gclid',
  'gbraid',
  'wbraid',
  'dclid',
  'fbclid',
  'msclkid',
  'ttclid',
  'li_fat_id',
  'twclid',
] as const;
export const DEVICE_ID_TYPES = ['idfa', 'gaid', 'idfv', 'device_id'] as const;
export const PII_IDENTIFIER_TYPES = ['email', 'phone'] as const;

export const IDENTIFIER_TYPES = [
  'user_id',
  'external_id',
  ...PII_IDENTIFIER_TYPES,
  ...DEVICE_ID_TYPES,
  ...CLICK_ID_TYPES,
  'anonymous_id',
] as const;

export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];
export type PiiIdentifierType = (typeof PII_IDENTIFIER_TYPES)[number];

/** An identifier as observed, before normalization: plaintext, even for PII. */
export interface IdentifierInput {
  readonly type: IdentifierType;
  readonly value: string;
}

export function isIdentifierType(type: string): type is IdentifierType {
  return (IDENTIFIER_TYPES as readonly string[]).includes(type);
}

export function isPiiIdentifierType(type: IdentifierType): type is PiiIdentifierType {
  return (PII_IDENTIFIER_TYPES as readonly string[]).includes(type);
}
