import { KNOWN_SOURCES, type SourceCategory } from './known-sources';

export interface KnownSource {
  readonly name: string;
  readonly category: SourceCategory;
}

const byDomain = new Map<string, KnownSource>();
const byBrand = new Map<string, KnownSource>();
const byAlias = new Map<string, KnownSource>();
for (const { name, category, domains, aliases = [] } of KNOWN_SOURCES) {
  const source: KnownSource = { name, category };
  for (const domain of domains) {
    if (domain.endsWith('.*')) {
      const brand = domain.slice(0, -2);
      byBrand.set(brand, source);
      if (!byAlias.has(brand)) byAlias.set(brand, source);
    } else {
      byDomain.set(domain, source);
    }
  }
  for (const alias of [name.toLowerCase(), ...aliases]) if (!byAlias.has(alias)) byAlias.set(alias, source);
}

/**
 * The known source a host belongs to: the most specific listed domain it equals or sits under,
 * else a brand under a country suffix (`google.co.uk`, `amazon.de`), else null.
 *
 * @example
 * sourceByHost('l.facebook.com');  // { name: 'Facebook', category: 'social' }
 * sourceByHost('mail.google.com'); // { name: 'Gmail', category: 'email' }
 * sourceByHost('www.google.co.uk'); // { name: 'Google', category: 'search' }
 */
export function sourceByHost(host: string | null | undefined): KnownSource | null {
  if (!host) return null;
  const labels = host.toLowerCase().split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const hit = byDomain.get(labels.slice(i).join('.'));
    if (hit) return hit;
  }
  for (let i = 0; i < labels.length - 1; i++) {
    const hit = byBrand.get(labels[i]);
    if (hit && looksLikePublicSuffix(labels.slice(i + 1))) return hit;
  }
  return null;
}

/**
 * The known source a `utm_source` value names (`fb`, `Facebook`, `facebook.com`, `l.facebook.com`).
 *
 * @example
 * sourceByName('ig'); // { name: 'Instagram', category: 'social' }
 */
export function sourceByName(value: string | null | undefined): KnownSource | null {
  if (!value) return null;
  const normalized = value.trim().toLowerCase();
  return byAlias.get(normalized) ?? (normalized.includes('.') ? sourceByHost(normalized) : null);
}

/** `de`, `co.uk`, `com.au`, `com`: one or two short labels, which is what follows a brand. */
function looksLikePublicSuffix(labels: readonly string[]): boolean {
  return labels.length >= 1 && labels.length <= 2 && labels.every((label) => label.length >= 2 && label.length <= 3);
}
