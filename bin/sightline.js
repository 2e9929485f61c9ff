#!/usr/bin/env node
// The `sightline` command. Runs the TypeScript sources directly (through tsx), so a fresh
// clone needs no build step: `npm ci && npm start`.
require('tsx/cjs/api').register();
require('../lambdas/cli/main.ts')
  .main(process.argv)
  .then((code) => {
    if (typeof code === 'number') process.exitCode = code;
  })
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
