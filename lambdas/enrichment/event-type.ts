import type { NormalizedEvent } from '../collection/collected-event';

/** The tracker's automatic captures arrive as `track` events; the lake files them by kind. */
const CAPTURE_TYPES: Readonly<Record<string, string>> = {
  outbound_click: 'click',
  download: 'click',
  mailto_click: 'click',
  tel_click: 'click',
  affiliate_click: 'click',
  element_click: 'click',
  form_submit: 'form',
  scroll_depth: 'scroll',
  video_play: 'video',
  video_pause: 'video',
  video_progress: 'video',
  video_complete: 'video',
  page_engagement: 'engagement',
};

/**
 * The `event_type` column: `page`, `identify`, `screen`, ... as sent; a tracker auto-capture
 * (`track` named `outbound_click`, `form_submit`, ...) becomes `click`, `form`, `scroll`,
 * `video` or `engagement`, keeping its name in `event_name`.
 *
 * @example
 * eventTypeOf({ type: 'track', name: 'scroll_depth' }, 'tracker'); // 'scroll'
 */
export function eventTypeOf(event: Pick<NormalizedEvent, 'type' | 'name'>, source: string): string {
  if (event.type !== 'track' || !event.name || (source !== 'tracker' && source !== 'pixel')) return event.type;
  return CAPTURE_TYPES[event.name] ?? 'track';
}
