#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { applyNagChecks } from '../lib/nag';
import { settingsFromContext } from '../lib/settings';
import { SightlineStack } from '../lib/stacks/sightline-stack';

/**
 * `cdk synth` / `cdk deploy` entry point. Settings come from `cdk.json` context (`sightline:*`
 * keys, overridable with `-c`); without `sightline:account` and `sightline:region` the stack is
 * environment-agnostic and deploys to the account and region of the CLI's credentials.
 */
const app = new App();
const settings = settingsFromContext(app.node);
new SightlineStack(app, settings.stackName, {
  settings,
  env: settings.account && settings.region ? { account: settings.account, region: settings.region } : undefined,
  description: 'Sightline: self-hosted visitor intelligence',
});
applyNagChecks(app);
