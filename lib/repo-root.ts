import * as path from 'node:path';

/** Absolute path of the repository root: `lambdaEntries` and asset settings are relative to it. */
export const REPO_ROOT = path.resolve(__dirname, '..');

/** Resolves a repository-relative path; absolute paths pass through. */
export function fromRepoRoot(relativeOrAbsolute: string): string {
  return path.resolve(REPO_ROOT, relativeOrAbsolute);
}
