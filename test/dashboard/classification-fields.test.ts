import {
  EMPTY_RULE,
  editableRules,
  fieldLabel,
  patternsText,
  savedPatterns,
  savedRules,
} from '../../dashboard/src/settings/classification-fields';

describe('settings form: channel rules and affiliate patterns', () => {
  it('saves rules without their empty conditions and drops rows left blank', () => {
    // Prepare
    const rules = [
      ...editableRules([{ channel: 'Partners', when: { source: '/^partner-(a|b)$/i' } }]),
      EMPTY_RULE,
      { channel: ' Newsletter ', when: { ...EMPTY_RULE.when, medium: ' email ' } },
    ];

    // Act
    const saved = savedRules(rules);

    // Assess
    expect(saved).toEqual([
      { channel: 'Partners', when: { source: '/^partner-(a|b)$/i' } },
      { channel: 'Newsletter', when: { medium: 'email' } },
    ]);
  });

  it('keeps a half-filled rule so the API can say what it lacks', () => {
    expect(savedRules([{ ...EMPTY_RULE, channel: 'Partners' }])).toEqual([{ channel: 'Partners', when: {} }]);
  });

  it('reads one pattern a line, trimmed, without blank lines', () => {
    expect(savedPatterns(`${patternsText(['amzn.to/*', '*.awin1.com/cread.php*'])}\n\n  go.example/ref*  \n`)).toEqual([
      'amzn.to/*',
      '*.awin1.com/cread.php*',
      'go.example/ref*',
    ]);
  });

  it.each([
    ['channelRules.3.when.source', 'Channel rule 4, source'],
    ['channelRules.0.when.referrerHost', 'Channel rule 1, referrer host'],
    ['channelRules.1.channel', 'Channel rule 2, channel name'],
    ['channelRules.0.when', 'Channel rule 1, conditions'],
    ['channelRules.2', 'Channel rule 3'],
    ['affiliatePatterns.4', 'Affiliate pattern 5'],
    ['retentionDays', 'retentionDays'],
  ])('names the API field %s as %s', (field, label) => {
    expect(fieldLabel(field)).toBe(label);
  });
});
