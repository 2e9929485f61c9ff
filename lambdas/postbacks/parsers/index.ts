import type { GenericFieldMapping } from '../../db/schema/postbacks';
import type { PostbackNetwork } from '../networks';
import { adjustParser } from './adjust';
import { appsflyerParser } from './appsflyer';
import { branchParser } from './branch';
import { cakeParser } from './cake';
import { everflowParser } from './everflow';
import { genericParser } from './generic';
import { impactParser } from './impact';
import type { NetworkParser } from './network-parser';
import { trackierParser } from './trackier';
import { tuneParser } from './tune';

const PARSERS: Readonly<Record<Exclude<PostbackNetwork, 'generic'>, NetworkParser>> = {
  everflow: everflowParser,
  tune: tuneParser,
  trackier: trackierParser,
  impact: impactParser,
  cake: cakeParser,
  appsflyer: appsflyerParser,
  adjust: adjustParser,
  branch: branchParser,
};

/**
 * The parser for a network; `generic` needs the site's mapping and is `undefined` without one.
 *
 * @example
 * parserFor('impact', null)?.read(fields);
 */
export function parserFor(network: PostbackNetwork, mapping: GenericFieldMapping | null): NetworkParser | undefined {
  if (network === 'generic') return mapping ? genericParser(mapping) : undefined;
  return PARSERS[network];
}

export type { NetworkParser } from './network-parser';
