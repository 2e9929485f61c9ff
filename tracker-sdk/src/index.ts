/**
 * Entry: wires the modules together, nothing else. Each `SL_FEATURES.x` is a build-time constant,
 * so a disabled capture is dropped from the bundle. Nothing here may throw into the host page.
 */
import { replay, sightline } from './api';
import * as clicks from './clicks';
import * as config from './config';
import * as engagement from './engagement';
import * as forms from './forms';
import * as identity from './identity';
import * as pageviews from './pageviews';
import * as transport from './transport';
import * as video from './video';

interface Snippet {
  (...args: unknown[]): void;
  q?: ArrayLike<unknown>[];
  /** Set once the real script runs, so a second copy stays inert. */
  v?: string;
}

try {
  const w = window as unknown as { sightline?: Snippet };
  const snippet = w.sightline;
  if (!snippet?.v && config.init()) {
    const queue = snippet?.q || [];
    const api: Snippet = sightline;
    api.v = SL_VERSION;
    w.sightline = api;
    identity.init();
    transport.init();
    pageviews.init();
    if (SL_FEATURES.engagement) engagement.init();
    if (SL_FEATURES.clicks) clicks.init();
    if (SL_FEATURES.forms) forms.init();
    if (SL_FEATURES.video) video.init();
    replay(queue, true);
    pageviews.start();
    replay(queue, false);
  }
} catch {
  // The page comes first.
}
