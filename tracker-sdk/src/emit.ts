import { id, touch } from './identity';
import { consent, pageIgnored } from './privacy';
import { push, volatile } from './transport';
import type { Context, TrackedEvent } from './types';
import { cleanProps, clip, now, rid } from './util';

const context = (): Context => {
  const c: Context = {
    sw: screen.width,
    sh: screen.height,
    vw: innerWidth,
    vh: innerHeight,
    lang: clip(navigator.language || '', 35),
    tz: clip(Intl.DateTimeFormat().resolvedOptions().timeZone || '', 64),
  };
  if (!consent.a) c.cl = true;
  const a = id.att;
  if (a.utm) c.utm = a.utm;
  if (a.sub) c.sub = a.sub;
  if (a.clid && consent.m) c.clid = a.clid;
  return c;
};

/**
 * Stamps an event with its id, time, page, identity (with consent only) and context, and hands it
 * to delivery. `keepOut` marks it as never to be written to storage.
 */
export const emit = (type: TrackedEvent['type'], fields: Partial<TrackedEvent>, keepOut?: boolean): void => {
  if (pageIgnored()) return;
  touch();
  const e: TrackedEvent = { id: rid(), type, ts: now(), url: clip(location.href, 2048) };
  if (consent.a) {
    e.aid = id.aid;
    e.sid = id.sid;
    if (id.uid) e.uid = id.uid;
  }
  // Fields win: `{ uid: undefined }` leaves the user id out.
  Object.assign(e, fields);
  // A browser driven by automation says so (WebDriver spec); enrichment flags it `headless`. First,
  // so the 50-property bound drops one of the page's props, never the signal.
  if (navigator.webdriver) e.props = cleanProps(Object.assign({ $webdriver: true }, e.props));
  e.ctx = context();
  if (keepOut) volatile.add(e);
  push(e);
};

/** A `track` event, the shape of every automatic capture. */
export const track = (name: string, props?: TrackedEvent['props'], url?: string): void =>
  emit('track', url ? { name, props, url: clip(url, 2048) } : { name, props });
