import { z } from 'zod';

/**
 * A site's own channel rule, evaluated before the default grouping, first match wins. Each
 * condition is an exact value (compared case-insensitively) or a regular expression written
 * `/pattern/flags`; all conditions given must match.
 *
 * @example
 * const rule: ChannelRule = { channel: 'Partners', when: { source: '/^(partnerA|partnerB)$/i', medium: 'referral' } };
 */
export interface ChannelRule {
  readonly channel: string;
  readonly when: ChannelRuleConditions;
}

export interface ChannelRuleConditions {
  /** The effective source: `utm_source`, else what a click id or the referrer implies (`google`, `facebook`, a host). */
  readonly source?: string;
  readonly medium?: string;
  readonly referrerHost?: string;
  /** `utm_campaign`. */
  readonly campaign?: string;
}

/** What the rules are matched against. */
export interface ChannelRuleSubject {
  readonly source: string | null;
  readonly medium: string | null;
  readonly referrerHost: string | null;
  readonly campaign: string | null;
}

type Condition = (value: string | null) => boolean;

const CONDITION_KEYS = ['source', 'medium', 'referrerHost', 'campaign'] as const;
const REGEX_FORM = /^\/(.+)\/([imsu]*)$/s;
const MAX_CONDITION_LENGTH = 500;

/** Parses one condition; throws `SyntaxError` for a regex that does not compile. */
function compileCondition(text: string): Condition {
  const regex = REGEX_FORM.exec(text);
  if (regex) {
    const pattern = new RegExp(regex[1], regex[2]);
    return (value) => value !== null && pattern.test(value);
  }
  const expected = text.toLowerCase();
  return (value) => value !== null && value.toLowerCase() === expected;
}

/**
 * A group holding a quantifier that is itself quantified (`(a+)+`, `(x|y*)*`, `(a{2,}){3,}`):
 * the shape whose backtracking grows exponentially with the input, which would stall every
 * batch of the site's stream shard. A heuristic on the pattern's text (escaped characters
 * skipped) for the common shape, not a proof: `((a+))+` or overlapping alternatives `(a|a)*` pass.
 */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*(?:[+*]|\{\d+,\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,\d*\})/;

const condition = z
  .string()
  .min(1)
  .max(MAX_CONDITION_LENGTH)
  .refine((text) => !(REGEX_FORM.test(text) && NESTED_QUANTIFIER.test(text)), {
    message: 'a regular expression may not repeat a group that repeats, e.g. (a+)+: it can take exponential time',
  })
  .refine(
    (text) => {
      try {
        compileCondition(text);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid /regular expression/' },
  );

/** Validates channel rules where a site's settings are edited, so a bad one never reaches enrichment. */
export const channelRulesSchema = z
  .array(
    z
      .object({
        channel: z.string().trim().min(1).max(100),
        when: z
          .object({ source: condition, medium: condition, referrerHost: condition, campaign: condition })
          .partial()
          .strict()
          .refine((when) => Object.keys(when).length > 0, { message: 'a rule needs at least one condition' }),
      })
      .strict(),
  )
  .max(100)
  .describe(
    'rules evaluated in order before the default channel grouping, first match wins; each condition an exact value (any case) or a `/regex/flags`',
  );

export interface CompiledChannelRules {
  /** The channel of the first matching rule, or null. */
  match(subject: ChannelRuleSubject): string | null;
}

const compiled = new WeakMap<readonly ChannelRule[], CompiledChannelRules>();

/**
 * Compiles a site's rules once (cached per rules array). Rules that are empty or do not compile
 * are skipped rather than failing every event of the site: the settings API validates with
 * `channelRulesSchema`, so this only guards against rows written around it.
 *
 * @example
 * compileChannelRules([{ channel: 'Newsletter', when: { source: 'substack' } }])
 *   .match({ source: 'Substack', medium: 'email', referrerHost: null, campaign: null }); // 'Newsletter'
 */
export function compileChannelRules(rules: readonly ChannelRule[]): CompiledChannelRules {
  const cached = compiled.get(rules);
  if (cached) return cached;
  const checks: { channel: string; conditions: [keyof ChannelRuleSubject, Condition][] }[] = [];
  for (const rule of rules) {
    try {
      const conditions = CONDITION_KEYS.flatMap((key): [keyof ChannelRuleSubject, Condition][] => {
        const text = rule.when?.[key];
        return typeof text === 'string' && text !== ''
          ? [[key, compileCondition(text.slice(0, MAX_CONDITION_LENGTH))]]
          : [];
      });
      if (conditions.length > 0 && typeof rule.channel === 'string' && rule.channel !== '') {
        checks.push({ channel: rule.channel, conditions });
      }
    } catch {
      // An invalid regex: skip the rule (see above).
    }
  }
  const result: CompiledChannelRules = {
    match(subject) {
      for (const check of checks) {
        if (check.conditions.every(([key, test]) => test(subject[key]))) return check.channel;
      }
      return null;
    },
  };
  compiled.set(rules, result);
  return result;
}
