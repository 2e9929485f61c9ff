import type { RunningRuntime } from '../runtime/start';

/** What `npm start` prints: where things are and how to install the snippet and sign in. */
export function startBanner(runtime: RunningRuntime): string {
  const { setup, url } = runtime;
  const snippet = [
    '<script>window.sightline=window.sightline||function(){(sightline.q=sightline.q||[]).push(arguments)}</script>',
    `<script async src="${url}/s.js" data-site="${setup.demoSite.siteKey}"></script>`,
  ].join('\n');
  return [
    '',
    `Sightline is running at ${url}${runtime.firstStart ? ' (first start: database migrated, demo organization created)' : ''}`,
    '',
    `  Health        ${url}/health`,
    `  Dashboard     ${url}/`,
    `  Sign in       ${setup.adminEmail} / ${setup.adminPassword}`,
    `  Demo site     ${setup.demoSite.domain}  siteKey ${setup.demoSite.siteKey}`,
    `  Write key     ${setup.demoSite.writeKey}  (server-side and Segment-compatible calls)`,
    '',
    'Snippet for your pages:',
    snippet,
    '',
    'Press Ctrl-C to stop (it drains work in flight).',
  ].join('\n');
}
