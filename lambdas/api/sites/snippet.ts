/**
 * The HTML to paste into a site's pages: a stub that queues calls made before the script loads
 * (the script replays them), then the script itself, loaded async from `scriptOrigin`.
 *
 * @example
 * installSnippet({ scriptOrigin: 'https://t.example.com', siteKey: 'pk_abc', consentDefault: 'withheld' });
 * // '<script>window.sightline=…</script>\n<script async src="https://t.example.com/s.js" data-site="pk_abc"></script>'
 */
export function installSnippet(options: {
  readonly scriptOrigin: string;
  readonly siteKey: string;
  readonly consentDefault?: 'granted' | 'withheld';
}): string {
  const consent = options.consentDefault === 'granted' ? ' data-consent="granted"' : '';
  return [
    '<script>window.sightline=window.sightline||function(){(sightline.q=sightline.q||[]).push(arguments)}</script>',
    `<script async src="${escapeAttribute(options.scriptOrigin)}/s.js" data-site="${escapeAttribute(options.siteKey)}"${consent}></script>`,
  ].join('\n');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
