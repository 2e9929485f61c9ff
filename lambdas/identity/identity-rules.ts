import { CLICK_ID_TYPES, type IdentifierType } from './identifier-types';

/**
 * The stitching rules, after Segment Unify's "limits and priority": when linking an observation's
 * identifiers would give a person more identifiers of a type than its limit (or move more than
 * `mergeCap` identifiers at once), the observation's lowest-priority identifier is dropped and the
 * link retried; the drop is recorded as a conflict. `user_id: 1` is what keeps two signed-up
 * users from ever being merged silently.
 */
export interface IdentityRules {
  /** Most identifiers of each type one person may hold. */
  readonly limits: Readonly<Record<IdentifierType, number>>;
  /** Highest priority first: the last identifier of an observation in this order is dropped first. */
  readonly priority: readonly IdentifierType[];
  /** Most identifiers one merge may move from the absorbed persons into the surviving one. */
  readonly mergeCap: number;
  /**
   * Most identifiers one connected region of links may span. Bounds the work and the locks of one
   * resolution; an observation that would grow a region past it loses its lowest-priority identifiers.
   */
  readonly regionCap: number;
  /**
   * Types that say who a person is (a login, an address), as opposed to the device or click they came
   * from. A person holding one is _identified_. A link that would join two identified persons, one of
   * them reached only through other types (the cookie of a shared computer), drops those instead: a
   * family computer used by two signed-in people does not make them one (PostHog refuses to merge two
   * identified persons the same way, unless told to with `$merge_dangerously`).
   */
  readonly identifying: readonly IdentifierType[];
}

const clickIdLimits = Object.fromEntries(CLICK_ID_TYPES.map((type) => [type, 100])) as Record<
  (typeof CLICK_ID_TYPES)[number],
  number
>;

export const DEFAULT_IDENTITY_RULES: IdentityRules = {
  limits: {
    user_id: 1,
    external_id: 3,
    email: 5,
    phone: 3,
    idfa: 5,
    gaid: 5,
    idfv: 10,
    device_id: 10,
    ...clickIdLimits,
    anonymous_id: 200,
  },
  priority: [
    'user_id',
    'external_id',
    'email',
    'phone',
    'idfa',
    'gaid',
    'idfv',
    'device_id',
    ...CLICK_ID_TYPES,
    'anonymous_id',
  ],
  mergeCap: 250,
  regionCap: 500,
  identifying: ['user_id', 'external_id', 'email', 'phone'],
};

/** Position of `type` in the priority order (0 is highest). */
export function priorityOf(rules: IdentityRules, type: IdentifierType): number {
  const index = rules.priority.indexOf(type);
  return index === -1 ? rules.priority.length : index;
}
