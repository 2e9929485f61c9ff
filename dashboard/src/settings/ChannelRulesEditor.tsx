import { CONDITIONS, type EditableRule, EMPTY_RULE } from './classification-fields';

/**
 * The site's channel rules, in the order they are tried: each a channel name and up to four
 * conditions, with buttons to add, move and remove rules. Every input has its own label.
 */
export function ChannelRulesEditor({
  rules,
  onChange,
}: {
  rules: readonly EditableRule[];
  onChange: (rules: EditableRule[]) => void;
}) {
  const update = (index: number, rule: EditableRule) => onChange(rules.map((r, i) => (i === index ? rule : r)));
  const move = (index: number, by: -1 | 1) => {
    const next = [...rules];
    const [rule] = next.splice(index, 1);
    if (rule) next.splice(index + by, 0, rule);
    onChange(next);
  };
  return (
    <div className="channel-rules">
      <p className="muted">
        Tried in order before the default grouping; the first rule whose conditions all match names the channel. A
        condition is an exact value (any case) or a regular expression written <code>/pattern/flags</code>; leave the
        ones a rule does not test empty.
      </p>
      {rules.length === 0 ? <p className="muted">No rules: every event gets the default channel grouping.</p> : null}
      <ol className="rule-list">
        {rules.map((rule, index) => {
          const n = index + 1;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rules have no id; the position is what the user edits
            <li key={index}>
              <fieldset className="rule">
                <legend>Rule {n}</legend>
                <div className="inline-form">
                  <label className="field">
                    <span>Channel</span>
                    <input
                      value={rule.channel}
                      maxLength={100}
                      required
                      onChange={(e) => update(index, { ...rule, channel: e.target.value })}
                    />
                  </label>
                  {CONDITIONS.map(({ key, label }) => (
                    <label className="field" key={key}>
                      <span>{label}</span>
                      <input
                        value={rule.when[key]}
                        maxLength={500}
                        onChange={(e) => update(index, { ...rule, when: { ...rule.when, [key]: e.target.value } })}
                      />
                    </label>
                  ))}
                </div>
                <div className="actions">
                  <button
                    type="button"
                    className="button subtle"
                    disabled={index === 0}
                    aria-label={`Move rule ${n} up`}
                    onClick={() => move(index, -1)}
                  >
                    Move up
                  </button>
                  <button
                    type="button"
                    className="button subtle"
                    disabled={index === rules.length - 1}
                    aria-label={`Move rule ${n} down`}
                    onClick={() => move(index, 1)}
                  >
                    Move down
                  </button>
                  <button
                    type="button"
                    className="button subtle"
                    aria-label={`Remove rule ${n}`}
                    onClick={() => onChange(rules.filter((_, i) => i !== index))}
                  >
                    Remove
                  </button>
                </div>
              </fieldset>
            </li>
          );
        })}
      </ol>
      <button
        type="button"
        className="button"
        disabled={rules.length >= 100}
        onClick={() => onChange([...rules, EMPTY_RULE])}
      >
        Add rule
      </button>
    </div>
  );
}
