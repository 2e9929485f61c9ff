/**
 * The site's affiliate URL patterns: globs matched case-insensitively against a link's URL without
 * its scheme (`host/path?query`), where `*` matches any run of characters, including none.
 * Each pattern is split on `*` once; matching is then a prefix test, ordered `indexOf`s and a
 * suffix test, with no regular expressions and no backtracking.
 */
export type AffiliateMatcher = (urlWithoutScheme: string) => string | undefined;

/** Whether `s` matches the glob split into `parts` on `*`. Both lower-cased. */
export const globMatch = (parts: string[], s: string): boolean => {
  const n = parts.length - 1;
  if (!n) return s === parts[0];
  if (!s.startsWith(parts[0])) return false;
  let i = parts[0].length;
  for (let k = 1; k < n; k++) {
    const j = s.indexOf(parts[k], i);
    if (j < 0) return false;
    i = j + parts[k].length;
  }
  const tail = parts[n];
  return s.length - tail.length >= i && s.endsWith(tail);
};

/**
 * Compiles patterns into a matcher that returns the first matching pattern, as written.
 *
 * @example compileAffiliatePatterns(['amzn.to/*', '*.awin1.com/cread.php*'])('www.awin1.com/cread.php?a=1') // '*.awin1.com/cread.php*'
 */
export const compileAffiliatePatterns = (patterns: string[]): AffiliateMatcher => {
  const compiled = patterns.map(
    (p) =>
      [
        p,
        p
          .toLowerCase()
          .replace(/^[a-z]+:\/\//, '')
          .split('*'),
      ] as const,
  );
  return (s) => {
    const url = s.toLowerCase();
    for (const c of compiled) if (globMatch(c[1], url)) return c[0];
    return undefined;
  };
};
