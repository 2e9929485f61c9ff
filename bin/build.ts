import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { lambdaEntries } from '../lambdas/entries';
import { ESM_REQUIRE_BANNER, LAMBDA_EXTERNAL_MODULES } from '../lib/defaults/function-defaults';
import { buildTracker, gzipBudgetBytes } from '../tracker-sdk/paths';

/** Cold starts grow with bundle size: every Lambda stays under this, minified. */
const LAMBDA_BUDGET_BYTES = 1024 * 1024;
const root = resolve(__dirname, '..');
const outRoot = join(root, 'dist', 'lambdas');

/**
 * `npm run build`: bundles every Lambda as CDK does (esbuild, ESM, minified, Node 22, the same
 * external modules), builds the tracker, and reports each size against its budget.
 * Exits non-zero when a budget is broken.
 */
async function main(): Promise<void> {
  const rows: { name: string; bytes: number; budget: number }[] = [];
  for (const [name, entry] of Object.entries(lambdaEntries)) {
    const outfile = join(outRoot, name, 'index.mjs');
    mkdirSync(join(outRoot, name), { recursive: true });
    const result = await build({
      entryPoints: [join(root, entry)],
      outfile,
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      banner: { js: ESM_REQUIRE_BANNER },
      sourcemap: false,
      metafile: true,
      external: [...LAMBDA_EXTERNAL_MODULES],
      logLevel: 'warning',
    });
    writeFileSync(join(outRoot, name, 'meta.json'), JSON.stringify(result.metafile));
    rows.push({ name: `lambda ${name}`, bytes: statSync(outfile).size, budget: LAMBDA_BUDGET_BYTES });
  }
  const tracker = await buildTracker({ write: true });
  rows.push({ name: 'tracker s.js (gzip -9)', bytes: tracker.gzipBytes, budget: gzipBudgetBytes });

  const width = Math.max(...rows.map((r) => r.name.length));
  let failed = false;
  for (const row of rows) {
    const over = row.bytes > row.budget;
    failed ||= over;
    console.log(
      `${row.name.padEnd(width)}  ${kb(row.bytes).padStart(9)} / ${kb(row.budget)}  ${over ? 'OVER BUDGET' : 'ok'}`,
    );
  }
  if (failed) process.exitCode = 1;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
