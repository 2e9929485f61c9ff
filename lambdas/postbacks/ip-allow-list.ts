import { BlockList, isIP } from 'node:net';
import { ValidationError } from '../core/errors';

/**
 * A compiled allow-list of IPs and CIDRs; a malformed entry is a `ValidationError` naming its index.
 *
 * @example
 * const allowed = compileAllowList(['52.1.2.0/24', '2001:db8::/32']);
 * allowed.check('52.1.2.9', 'ipv4'); // true
 */
export function compileAllowList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  entries.forEach((entry, index) => {
    const [address = '', bitsText] = entry.trim().split('/');
    const family = isIP(address);
    const maxBits = family === 4 ? 32 : 128;
    const bits = bitsText === undefined ? maxBits : Number(bitsText);
    if (family === 0 || !Number.isInteger(bits) || bits < 0 || bits > maxBits) {
      throw new ValidationError(`"${entry.slice(0, 64)}" is not an IP or CIDR`, `ipAllowList[${index}]`);
    }
    list.addSubnet(address, bits, family === 4 ? 'ipv4' : 'ipv6');
  });
  return list;
}

/**
 * Whether an address is on the list.
 *
 * @example
 * ipAllowed(list, request.ip);
 */
export function ipAllowed(list: BlockList, ip: string | undefined): boolean {
  if (!ip) return false;
  const family = isIP(ip);
  return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}
