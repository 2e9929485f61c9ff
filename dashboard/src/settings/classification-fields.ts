import type { ChannelRule, ChannelRuleCondition } from '../api/types';

export const CONDITIONS: readonly { key: ChannelRuleCondition; label: string }[] = [
  { key: 'source', label: 'Source' },
  { key: 'medium', label: 'Medium' },
  { key: 'referrerHost', label: 'Referrer host' },
  { key: 'campaign', label: 'Campaign' },
];

/** A rule as the editor holds it: every condition a string, empty when unset. */
export interface EditableRule {
  readonly channel: string;
  readonly when: Readonly<Record<ChannelRuleCondition, string>>;
}

export const EMPTY_RULE: EditableRule = {
  channel: '',
  when: { source: '', medium: '', referrerHost: '', campaign: '' },
};

export function editableRules(rules: readonly ChannelRule[]): EditableRule[] {
  return rules.map((rule) => ({ channel: rule.channel, when: { ...EMPTY_RULE.when, ...rule.when } }));
}

/**
 * The rules as the API takes them: empty conditions left out, untouched blank rows dropped.
 *
 * @example
 * savedRules([{ channel: 'Partners', when: { source: 'partner-a', medium: '', referrerHost: '', campaign: '' } }]);
 * // [{ channel: 'Partners', when: { source: 'partner-a' } }]
 */
export function savedRules(rules: readonly EditableRule[]): ChannelRule[] {
  return rules
    .map((rule) => ({
      channel: rule.channel.trim(),
      when: Object.fromEntries(
        CONDITIONS.flatMap(({ key }) => (rule.when[key].trim() === '' ? [] : [[key, rule.when[key].trim()]])),
      ),
    }))
    .filter((rule) => rule.channel !== '' || Object.keys(rule.when).length > 0);
}

/** One pattern a line, as the text area shows them. */
export function patternsText(patterns: readonly string[]): string {
  return patterns.join('\n');
}

/** The text area's lines as patterns: trimmed, blank lines dropped. */
export function savedPatterns(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * The API's field path in the words of the form, so an error says where to look.
 *
 * @example
 * fieldLabel('channelRules.3.when.source'); // 'Channel rule 4, source'
 * fieldLabel('affiliatePatterns.0');        // 'Affiliate pattern 1'
 */
export function fieldLabel(field: string): string {
  const rule = /^channelRules\.(\d+)(?:\.(channel|when)(?:\.(\w+))?)?$/.exec(field);
  if (rule) {
    const condition = CONDITIONS.find((c) => c.key === rule[3])?.label.toLowerCase();
    const part = rule[2] === 'channel' ? 'channel name' : (condition ?? (rule[2] === 'when' ? 'conditions' : null));
    return `Channel rule ${Number(rule[1]) + 1}${part ? `, ${part}` : ''}`;
  }
  const pattern = /^affiliatePatterns\.(\d+)$/.exec(field);
  if (pattern) return `Affiliate pattern ${Number(pattern[1]) + 1}`;
  if (field === 'channelRules') return 'Channel rules';
  if (field === 'affiliatePatterns') return 'Affiliate patterns';
  if (field === 'phoneRegion') return 'Phone region';
  return field;
}
