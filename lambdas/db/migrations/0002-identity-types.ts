/**
 * Identifier types as migration `0002-identity` knows them: frozen here, because a shipped migration
 * must not change when the domain's list grows (a later migration alters the check instead).
 */
export const IDENTIFIER_TYPES_AT_0002 = [
  'user_id',
  'external_id',
  'email',
  'phone',
  'idfa',
  'gaid',
  'idfv',
  'device_id',
  'gclid',
  'gbraid',
  'wbraid',
  'dclid',
  'fbclid',
  'msclkid',
  'ttclid',
  'li_fat_id',
  'twclid',
  'anonymous_id',
] as const;
