/**
 * Which false pairs the stitching rules leave, and why: the synthetic visitors' observations
 * stitched in memory (the same `stitch` as the resolver, over every link at once; no database), each
 * person's identifiers compared with ground truth. For every identifier put with a person it does
 * not belong to, it names the link that brought it there and what that link mixed, then counts the
 * false pairs by cause. A quick loop for rule changes; the accuracy test and the throughput bench
 * measure the real resolver.
 *
 *   npx tsx bench/identity-false-pairs.ts [people=1000] [seed=42] [examples=0]
 */

import { DEFAULT_IDENTITY_RULES, type IdentityRules } from '../lambdas/identity/identity-rules';
import { prepareIdentifiers } from '../lambdas/identity/prepared-identifiers';
import { type StitchIdentifier, type StitchLink, stitch } from '../lambdas/identity/stitching';
import { mergeAccuracy } from '../test/identity/support/resolved-partition';
import { generateVisitors, identifierKey } from '../test/identity/support/synthetic-visitors';

const people = Number(process.argv[2] ?? 1_000);
const seed = Number(process.argv[3] ?? 42);
const examples = Number(process.argv[4] ?? 0);

/** The partition `stitch` makes of a dataset's links, by `type:plaintext`, and the links. */
function stitchInMemory(dataset: ReturnType<typeof generateVisitors>, rules: IdentityRules) {
  const indexKey = new Uint8Array(32).fill(7);
  const identifiers = new Map<string, StitchIdentifier & { key: string }>();
  const links = new Map<string, StitchLink & { keys: string[] }>();
  for (const o of dataset.observations) {
    const { accepted } = prepareIdentifiers(o.siteId, o.identifiers, indexKey, rules);
    if (accepted.length === 0) continue;
    const ids = accepted.map((a) => {
      const stored = `${a.type}:${a.value}`;
      let row = identifiers.get(stored);
      if (!row) {
        row = {
          id: identifiers.size + 1,
          type: a.type,
          value: a.value,
          firstSeenAt: o.observedAt,
          key: identifierKey(a.type, a.plaintext ?? a.value),
        };
        identifiers.set(stored, row);
      }
      return row.id;
    });
    const setKey = [...ids].sort((a, b) => a - b).join(',');
    const known = links.get(setKey);
    if (!known || o.observedAt < known.observedAt) {
      links.set(setKey, {
        id: known?.id ?? links.size + 1,
        identifierIds: ids,
        observedAt: o.observedAt,
        eventId: o.eventId,
        keys: accepted.map((a) => identifierKey(a.type, a.plaintext ?? a.value)),
      });
    }
  }
  const rows = [...identifiers.values()];
  const result = stitch(rows, [...links.values()], rules);
  const keyOf = new Map(rows.map((r) => [r.id, r.key]));
  const partition = new Map<string, string>();
  for (const [id, creator] of result.creatorOf) partition.set(keyOf.get(id) as string, String(creator));
  return { partition, result, links: [...links.values()], keyOf };
}

function main() {
  const dataset = generateVisitors({ people, seed, organizationId: 'o', siteId: 's' });
  const { partition, result, links } = stitchInMemory(dataset, DEFAULT_IDENTITY_RULES);
  const accuracy = mergeAccuracy(partition, dataset.truth, dataset.evidence);
  console.log(JSON.stringify(accuracy));

  // Each cluster is "about" the real person holding most of its identifiers; the others are intruders.
  const members = new Map<string, string[]>();
  for (const [key, cluster] of partition) {
    if (dataset.truth.has(key)) members.set(cluster, [...(members.get(cluster) ?? []), key]);
  }
  const truth = (k: string) => dataset.truth.get(k) as string;
  const kind = (k: string) => k.slice(0, k.indexOf(':'));
  const identifying = (k: string) => DEFAULT_IDENTITY_RULES.identifying.some((type) => kind(k) === type);
  // Whose logins or addresses each cookie, device or click id was seen with: two people make it detectable as shared.
  const identifiedWith = new Map<string, Set<string>>();
  for (const l of links) {
    for (const k of l.keys.filter((k) => !identifying(k))) {
      for (const s of l.keys.filter(identifying))
        identifiedWith.set(k, new Set([...(identifiedWith.get(k) ?? []), truth(s)]));
    }
  }
  const causes = new Map<string, number>();
  let falsePairs = 0;
  let shown = 0;
  for (const keys of members.values()) {
    const byPerson = new Map<string, string[]>();
    for (const k of keys) byPerson.set(truth(k), [...(byPerson.get(truth(k)) ?? []), k]);
    if (byPerson.size < 2) continue;
    const groups = [...byPerson.values()].sort((a, b) => b.length - a.length);
    const main = groups[0] as string[];
    for (const intruders of groups.slice(1)) {
      // Pairs with the main person, and half of those with the other intruders.
      const others = keys.length - main.length - intruders.length;
      const pairs = intruders.length * (main.length + others / 2);
      falsePairs += pairs;
      // The link that joined the intruders to the rest: one showing an intruder and a main identifier.
      const bridge = links.find(
        (l) =>
          l.keys.some((k) => intruders.includes(k)) && l.keys.some((k) => !intruders.includes(k) && keys.includes(k)),
      );
      const shape = bridge
        ? bridge.keys
            .map((k) => `${kind(k)}(${truth(k) === truth(main[0] as string) ? 'main' : 'guest'})`)
            .sort()
            .join('+')
        : 'unknown';
      const shared = bridge?.keys.filter((k) => (dataset.users.get(k)?.size ?? 1) > 1) ?? [];
      const seenWith = Math.max(0, ...shared.map((k) => identifiedWith.get(k)?.size ?? 0));
      const cause = `${shape} | shared: ${shared.map(kind).join(',') || 'none'}, identified on it by ${seenWith} | intruders: ${[
        ...new Set(intruders.map(kind)),
      ]
        .sort()
        .join(',')} | main identified: ${main.some((k) => ['user_id', 'email', 'phone'].includes(kind(k)))}`;
      causes.set(cause, (causes.get(cause) ?? 0) + pairs);
      if (shown < examples) {
        shown++;
        console.log({ main: main.slice(0, 6), intruders, bridge: bridge?.keys });
      }
    }
  }
  console.log(
    `false pairs ≈ ${falsePairs.toFixed(0)} (exact: ${(accuracy.predictedPairs * (1 - accuracy.precision)).toFixed(0)}), conflicts ${result.conflicts.length}`,
  );
  for (const [cause, n] of [...causes].sort((a, b) => b[1] - a[1]))
    console.log(`${n.toFixed(0).padStart(6)}  ${cause}`);
}

main();
