import { auto } from './config';
import { track } from './emit';
import { ignored } from './privacy';
import { clip, on } from './util';

const PROGRESS = [25, 50, 75];
const reached = new WeakMap<HTMLVideoElement, number[]>();

const media = (e: Event): void => {
  const v = e.target as HTMLVideoElement;
  if (v?.tagName !== 'VIDEO' || ignored(v)) return;
  const src = clip(v.currentSrc || v.src, 1024);
  const at = { src, current_time: Math.round(v.currentTime * 10) / 10 };
  if (e.type === 'play') track('video_play', at);
  // A video that ends also pauses: that is `video_complete`, not a pause.
  else if (e.type === 'pause') {
    if (!v.ended) track('video_pause', at);
  } else if (e.type === 'ended') {
    reached.delete(v);
    track('video_complete', at);
  } else {
    const d = v.duration;
    if (!(d > 0 && d < Infinity)) return;
    const done = reached.get(v) || [];
    reached.set(v, done);
    for (const p of PROGRESS) {
      if ((v.currentTime / d) * 100 >= p && done.indexOf(p) < 0) {
        done.push(p);
        track('video_progress', { src, percent: p });
      }
    }
  }
};

/** Media events do not bubble, so one capture-phase listener per type on the document sees every video. */
export const init = (): void => {
  if (!SL_FEATURES.video || !auto('video')) return;
  for (const type of ['play', 'pause', 'ended', 'timeupdate']) on(document, type, media);
};
