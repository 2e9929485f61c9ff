/**
 * Matches a request path against a route template such as `/api/sites/{siteId}`; the decoded
 * parameters, or `undefined` when the path does not fit.
 *
 * @example
 * matchTemplate('/api/sites/{siteId}', '/api/sites/42'); // { siteId: '42' }
 */
export function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i] as string;
    const actual = have[i] as string;
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name) {
      try {
        params[name] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (part !== actual) return undefined;
  }
  return params;
}
