import { CLICK_ID_TYPES, type IdentifierInput } from '../../../lambdas/identity/identifier-types';
import type { IdentityObservation } from '../../../lambdas/identity/observation';
import { keepsRawEvent } from '../../../lambdas/identity/observation-from-envelope';

/**
 * Synthetic visitors with ground truth, for accuracy and concurrency proofs: people with one to
 * three devices (cookies that sometimes get cleared), logins, newsletter forms with the occasional
 * typo, ad clicks, family computers used by two people, families sharing one e-mail address, and bot
 * traffic (crawlers that keep no cookie, broken integrations sending `user_id: "undefined"`, form
 * spam with throwaway addresses). Deterministic for a seed.
 */
export interface SyntheticOptions {
  readonly people: number;
  readonly seed: number;
  readonly organizationId: string;
  readonly siteId: string;
  /** Epoch ms of the first event. @default 2026-11-01 */
  readonly start?: number;
  /** Share of pairs of people that are a family sharing a computer (and sometimes an address). @default 0.12 */
  readonly familyRate?: number;
  /** Bots per person. @default 0.1 */
  readonly botRate?: number;
}

export interface SyntheticDataset {
  /** In event-time order. */
  readonly observations: readonly IdentityObservation[];
  /** `type:value` (value normalized as the resolver does) → the real person behind it. */
  readonly truth: ReadonlyMap<string, string>;
  /**
   * Pairs of identifiers the data gives evidence for: joined by observations that involve one real
   * person only. The best any resolver can do; anything beyond is guessing.
   */
  readonly evidence: ReadonlyMap<string, string>;
  /** `type:value` → every real person who showed it (two for a shared computer's cookie or a family's address). */
  readonly users: ReadonlyMap<string, ReadonlySet<string>>;
}

interface Person {
  readonly key: string;
  readonly userId?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly devices: Device[];
}

interface Device {
  cookies: string[];
  readonly ip: string;
  readonly userAgent: string;
}

/** `identifierKey('email', 'a@b.co')` is how truth and results name an identifier. */
export function identifierKey(type: string, value: string): string {
  return `${type}:${value}`;
}

export function generateVisitors(options: SyntheticOptions): SyntheticDataset {
  const random = mulberry32(options.seed);
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const start = options.start ?? Date.UTC(2026, 10, 1);

  const people: Person[] = [];
  for (let i = 0; i < options.people; i++) {
    const registered = chance(0.6);
    const deviceCount = chance(0.5) ? 1 : chance(0.7) ? 2 : 3;
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const withEmail = registered ? chance(0.8) : chance(0.25);
    people.push({
      key: `p${i}`,
      ...(registered ? { userId: `user-${i}-${hex(6)}` } : {}),
      ...(withEmail ? { email: `${first}.${last}${i}@${pick(EMAIL_DOMAINS)}` } : {}),
      ...(registered && chance(0.15) ? { phone: `+44770${String(900000 + i)}` } : {}),
      devices: Array.from({ length: deviceCount }, () => ({
        cookies: [`anon-${hex(16)}`],
        ip: `198.51.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}`,
        userAgent: pick(USER_AGENTS),
      })),
    });
  }

  // Families: a second person uses the first one's computer; some families share an address.
  const sharedEmailOf = new Map<Person, string>();
  const guestsOf = new Map<Device, Person[]>();
  for (let i = 0; i + 1 < people.length; i += 2) {
    if (!chance(options.familyRate ?? 0.12)) continue;
    const owner = people[i] as Person;
    const guest = people[i + 1] as Person;
    const device = owner.devices[0] as Device;
    guestsOf.set(device, [...(guestsOf.get(device) ?? []), guest]);
    if (chance(0.25) && owner.email) sharedEmailOf.set(guest, owner.email);
  }

  const observations: { observation: IdentityObservation; person: Person }[] = [];
  const truth = new Map<string, string>();
  const users = new Map<string, Set<string>>();
  const evidence = new UnionFind();
  let clock = start;
  let eventNo = 0;
  const emit = (
    person: Person,
    device: Device,
    identifiers: IdentifierInput[],
    extra: Partial<IdentityObservation> = {},
    junk: readonly IdentifierInput[] = [],
  ) => {
    clock += 1_000 + Math.floor(random() * 60_000);
    eventNo++;
    const observation: Mutable<IdentityObservation> = {
      v: 1,
      organizationId: options.organizationId,
      siteId: options.siteId,
      eventId: `syn-${options.seed}-${String(eventNo).padStart(7, '0')}`,
      observedAt: clock,
      identifiers: [...identifiers, ...junk],
      ip: device.ip,
      userAgent: device.userAgent,
      event: { type: identifiers.length > 1 ? 'identify' : 'page', url: 'https://shop.example/' },
      ...extra,
    };
    // As `observationFromEnvelope` does: identity calls and events with traits are kept as received.
    if (keepsRawEvent(observation.event?.type ?? 'page', observation.traits?.$set)) {
      observation.raw = { receivedAt: clock, event: collectedEventOf(observation) };
    }
    observations.push({ observation, person });
    // Placeholders (`user_id: "undefined"`, `test@test.com`) identify nobody: no truth for them.
    const keys = identifiers.map((i) => identifierKey(i.type, normalized(i)));
    for (const key of keys) if (!truth.has(key)) truth.set(key, person.key);
    for (const key of keys) users.set(key, new Set([...(users.get(key) ?? []), person.key]));
    // Evidence only when every identifier of the observation is this person's own.
    if (keys.every((k) => truth.get(k) === person.key)) {
      for (const key of keys) evidence.union(keys[0] as string, key);
    } else {
      for (const key of keys) evidence.find(key);
    }
  };

  const session = (person: Person, device: Device, login: boolean) => {
    const cookie = device.cookies.at(-1) as string;
    const landing: IdentifierInput[] = [{ type: 'anonymous_id', value: cookie }];
    if (chance(0.2)) landing.push({ type: 'gclid', value: `Cj0K${hex(20)}` });
    emit(person, device, landing);
    for (let n = Math.floor(random() * 3); n > 0; n--) emit(person, device, [{ type: 'anonymous_id', value: cookie }]);
    if (login && person.userId) {
      const email = person.email;
      emit(
        person,
        device,
        [
          { type: 'anonymous_id', value: cookie },
          { type: 'user_id', value: person.userId },
          ...(email ? [{ type: 'email' as const, value: chance(0.3) ? email.toUpperCase() : email }] : []),
          ...(person.phone ? [{ type: 'phone' as const, value: person.phone }] : []),
        ],
        { traits: { $set: { plan: pick(['free', 'pro', 'team']), ...(email ? { email } : {}) } } },
      );
    } else if (!person.userId && chance(0.5)) {
      const email = sharedEmailOf.get(person) ?? person.email;
      if (email) {
        const typed = chance(0.06) ? typo(email, random) : email;
        emit(person, device, [
          { type: 'anonymous_id', value: cookie },
          { type: 'email', value: typed },
        ]);
      }
    }
  };

  // Bots: crawlers (a fresh cookie at each hit) and broken integrations or form spam (placeholders).
  const bots: Person[] = Array.from({ length: Math.round(options.people * (options.botRate ?? 0.1)) }, (_, i) => ({
    key: `bot${i}`,
    devices: [
      {
        cookies: [],
        ip: `203.0.113.${Math.floor(random() * 255)}`,
        userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      },
    ],
  }));
  const botHit = (bot: Person) => {
    const device = bot.devices[0] as Device;
    const junk: IdentifierInput[] = [];
    if (chance(0.3)) junk.push({ type: 'user_id', value: pick(['undefined', 'null', '0', '[object Object]']) });
    if (chance(0.2)) junk.push({ type: 'email', value: pick(['test@test.com', 'a@a.com', 'noreply@spam.example']) });
    // A crawler that keeps no cookie is, for identity, a new visitor at every hit.
    const hit = { ...bot, key: `${bot.key}-${hex(4)}` };
    emit(hit, device, [{ type: 'anonymous_id', value: `anon-${hex(16)}` }], {}, junk);
  };

  // People take turns, so sessions of different people interleave in time.
  const rounds = 4;
  for (let round = 0; round < rounds; round++) {
    for (const person of people) {
      if (bots.length > 0 && chance((2 * bots.length) / people.length)) botHit(pick(bots));
      for (const [d, device] of person.devices.entries()) {
        if (round > 0 && chance(0.35)) continue;
        if (round > 0 && chance(0.08)) device.cookies.push(`anon-${hex(16)}`);
        session(person, device, d === 0 ? round === 0 || chance(0.5) : chance(0.6));
        for (const guest of guestsOf.get(device) ?? []) {
          if (round > 0) session(guest, device, chance(0.7));
        }
      }
    }
  }

  const evidenceMap = new Map<string, string>();
  for (const key of truth.keys()) evidenceMap.set(key, evidence.find(key));
  return { observations: observations.map((o) => o.observation), truth, users, evidence: evidenceMap };
}

/** The value as the resolver normalizes it (lower-case e-mail, compact phone). */
function normalized(identifier: IdentifierInput): string {
  const value = identifier.value.trim();
  if (identifier.type === 'email') return value.toLowerCase();
  if (identifier.type === 'phone') return value.replace(/[\s().\-/]/g, '');
  return value;
}

/** A one-keystroke slip in the local part: a dropped, doubled or swapped letter. */
function typo(email: string, random: () => number): string {
  const at = email.indexOf('@');
  const i = 1 + Math.floor(random() * Math.max(1, at - 2));
  const local = email.slice(0, at);
  const kind = Math.floor(random() * 3);
  const slipped =
    kind === 0
      ? local.slice(0, i) + local.slice(i + 1)
      : kind === 1
        ? local.slice(0, i) + local[i] + local.slice(i)
        : local.slice(0, i - 1) + local[i] + local[i - 1] + local.slice(i + 1);
  return slipped + email.slice(at);
}

/** Fisher–Yates with a seeded generator: the same shuffle for the same seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = mulberry32(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class UnionFind {
  private readonly parent = new Map<string, string>();
  find(key: string): string {
    let root = key;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root) as string;
    if (!this.parent.has(key)) this.parent.set(key, key);
    let node = key;
    while (node !== root) {
      const next = this.parent.get(node) as string;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    const [low, high] = ra < rb ? [ra, rb] : [rb, ra];
    this.parent.set(high, low);
  }
}

const FIRST_NAMES = ['ada', 'alan', 'grace', 'linus', 'barbara', 'ken', 'margaret', 'dennis', 'frances', 'edsger'];
const LAST_NAMES = ['lovelace', 'turing', 'hopper', 'torvalds', 'liskov', 'thompson', 'hamilton', 'ritchie', 'allen'];
const EMAIL_DOMAINS = ['gmail.com', 'outlook.com', 'acme.io', 'initech.com', 'globex.co.uk', 'yahoo.com'];
const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The collected event an observation came from, as `observationFromEnvelope` keeps it (`raw`). */
function collectedEventOf(observation: IdentityObservation): Record<string, unknown> {
  const shown = (type: string) => observation.identifiers.find((i) => i.type === type)?.value;
  const clickIds = Object.fromEntries(
    observation.identifiers
      .filter((i) => (CLICK_ID_TYPES as readonly string[]).includes(i.type))
      .map((i) => [i.type, i.value]),
  );
  const event = observation.event;
  return {
    eventId: observation.eventId,
    type: event?.type ?? 'page',
    timestamp: observation.observedAt,
    sentAt: observation.observedAt,
    ...(shown('anonymous_id') ? { anonymousId: shown('anonymous_id') } : {}),
    ...(shown('user_id') ? { userId: shown('user_id') } : {}),
    ...(event?.url ? { url: event.url, title: 'Shop' } : {}),
    ...(observation.traits?.$set ? { traits: observation.traits.$set } : {}),
    ...(Object.keys(clickIds).length > 0 ? { clickIds } : {}),
    screen: { width: 1440, height: 900 },
    language: 'en-GB',
    timezone: 'Europe/London',
    sdk: 'sightline-tracker/1.0.0',
  };
}
