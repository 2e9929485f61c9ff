import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository's `athena/` folder. */
export const ATHENA_DIR = resolve(__dirname, '..', '..', 'athena');

/** `.sql` file names in a folder of `athena/`, sorted. */
export function sqlFiles(folder: 'queries' | 'ddl'): string[] {
  return readdirSync(join(ATHENA_DIR, folder))
    .filter((name) => name.endsWith('.sql'))
    .sort();
}

export function readAthenaFile(...parts: string[]): string {
  return readFileSync(join(ATHENA_DIR, ...parts), 'utf8');
}

/** The `-- key: value` lines of a query's leading comment block. */
export function headerOf(sql: string): Record<string, string> {
  const header: Record<string, string> = {};
  for (const line of sql.split('\n')) {
    if (!line.startsWith('--')) break;
    const match = /^--\s*(name|answers|parameters):\s*(.+)$/.exec(line);
    if (match?.[1] && match[2]) header[match[1]] = match[2].trim();
  }
  return header;
}

/** SQL with comments and string literal contents blanked (same length), so checks see only code. */
export function codeOf(sql: string): string {
  return sql.replace(/--[^\n]*|'(?:[^']|'')*'/g, (text) =>
    text.startsWith('--') ? ' '.repeat(text.length) : `'${' '.repeat(text.length - 2)}'`,
  );
}

/**
 * SQL with its `?` placeholders replaced by literals, for the CLI, which takes no parameters.
 * Only for test values: strings are quoted, numbers written as is, null as NULL.
 */
export function inlineParameters(sql: string, params: readonly (string | number | null)[]): string {
  let i = 0;
  const code = codeOf(sql);
  let out = '';
  for (let at = 0; at < sql.length; at++) {
    if (code[at] === '?' && sql[at] === '?') {
      const value = params[i++];
      out += value === null || value === undefined ? 'NULL' : typeof value === 'number' ? String(value) : `'${value}'`;
    } else out += sql[at];
  }
  if (i !== params.length) throw new Error(`${params.length} parameters for ${i} placeholders`);
  return out;
}
