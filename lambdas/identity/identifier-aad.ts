/** Where a sealed identifier is bound: its site, type and blind index, which never change. */
export function identifierAad(siteId: string, type: string, value: string): string {
  return `identifier:${siteId}:${type}:${value}`;
}
