import { campaignFrom } from './campaign';
import { attr } from './config';
import { consent } from './privacy';
import { KEYS, read, readCookie, remove, wipe, write, writeCookie } from './storage';
import type { Attribution } from './types';
import { clip, now, rid } from './util';

const SESSION_MS = 30 * 60 * 1000;

/**
 * Anonymous id (first-party cookie, localStorage mirror), session id with a 30-minute inactivity
 * timeout and its landing attribution, and the user id after `identify`. All of it lives in memory
 * and is only persisted, or sent, with analytics consent.
 */
export const id = { aid: '', sid: '', uid: '', t: 0, att: {} as Attribution };

interface StoredSession {
  i: string;
  t: number;
  a?: Attribution;
}

export const save = (): void => {
  if (!consent.a) return;
  writeCookie(KEYS.aid, id.aid);
  write(KEYS.aid, id.aid);
  // Ad click ids are kept for the session only with marketing consent.
  const a: Attribution = { utm: id.att.utm, sub: id.att.sub, clid: consent.m ? id.att.clid : undefined };
  write(KEYS.session, JSON.stringify({ i: id.sid, t: id.t, a }));
  if (id.uid) write(KEYS.uid, id.uid);
  else remove(KEYS.uid);
};

/** A stored id as the tracker writes it, or '' for anything else (tampered, older format). */
const valid = (v: unknown): string => (typeof v === 'string' && /^\w{1,64}$/.test(v) ? v : '');

/** Adopts the stored session when it is at least as recent: tabs share one session. */
const loadSession = (): void => {
  try {
    const s = JSON.parse(read(KEYS.session) || 'null') as StoredSession | null;
    if (s && valid(s.i) && typeof s.t === 'number' && s.t >= id.t) {
      id.sid = s.i;
      id.t = s.t;
      id.att = s.a || {};
    }
  } catch {
    // A corrupt session record starts a new session.
  }
};

/** Picks up what an earlier page stored, once storage is allowed. */
const load = (): void => {
  if (!consent.a) return;
  id.aid = valid(readCookie(KEYS.aid)) || valid(read(KEYS.aid)) || id.aid || rid();
  id.uid = clip(read(KEYS.uid) || id.uid, 256);
  loadSession();
};

/** Called for every event: starts a new session after 30 minutes without one, and keeps landing attribution. */
export const touch = (): void => {
  const t = now();
  const landing = campaignFrom(location.search);
  if (consent.a) loadSession();
  if (!id.sid || t - id.t > SESSION_MS) {
    id.sid = rid();
    id.att = landing || {};
  } else if (landing) id.att = landing;
  id.t = t;
  save();
};

export const setConsent = (analytics: boolean, marketing: boolean): void => {
  consent.a = analytics;
  consent.m = marketing;
  if (analytics) {
    write(KEYS.consent, marketing ? 'am' : 'a');
    load();
    save();
  } else {
    wipe();
    id.aid = '';
  }
};

/** `sightline('reset')`: a new anonymous id and session, no user id (for log-out). */
export const reset = (): void => {
  id.uid = '';
  id.aid = rid();
  id.sid = rid();
  id.att = {};
  id.t = now();
  save();
};

export const init = (): void => {
  // `data-consent="granted"`: the site needs no consent banner, so nothing is recorded as given.
  const stored = attr('consent') === 'granted' ? 'am' : read(KEYS.consent);
  if (!stored) return;
  consent.a = true;
  consent.m = stored === 'am';
  load();
};
