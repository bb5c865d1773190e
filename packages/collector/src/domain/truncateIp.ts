import { isIPv4, isIPv6 } from 'node:net';

/**
 * Keeps only the network part of an address, so no visitor can be singled out by IP:
 * IPv4 to /24 (`203.0.113.0`), IPv6 to /48 (`2001:db8:85a3::`). Anything else is dropped.
 */
export function truncateIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const address = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (isIPv4(address)) return address.replace(/\.\d+$/, '.0');
  if (!isIPv6(address)) return null;
  const [head = '', tail = ''] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = address.includes('::') ? [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups] : headGroups;
  return `${groups.slice(0, 3).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::`;
}
