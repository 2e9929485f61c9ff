/** The wire protocol's shapes (`POST {endpoint}/e`), shared by every module of the tracker. */

export type PropValue = string | number | boolean | null;
export type Props = Record<string, PropValue>;

export interface Attribution {
  utm?: Record<string, string>;
  clid?: Record<string, string>;
  sub?: Record<string, string>;
}

export interface Context extends Attribution {
  sw: number;
  sh: number;
  vw: number;
  vh: number;
  lang: string;
  tz: string;
  cl?: true;
}

export interface TrackedEvent {
  id: string;
  type: 'page' | 'track' | 'identify';
  name?: string;
  ts: number;
  aid?: string;
  sid?: string;
  uid?: string;
  url: string;
  ref?: string;
  title?: string;
  props?: Props;
  traits?: Props;
  ctx?: Context;
}

export interface Payload {
  site: string;
  sdk: string;
  sentAt: number;
  events: TrackedEvent[];
}

/** `GET {endpoint}/c?site=` */
export interface SiteConfig {
  affiliatePatterns: string[];
  honorDnt: boolean;
  honorGpc: boolean;
  sampleRate: number;
}
