import { hostname, networkInterfaces } from 'node:os';

/**
 * The names a LAN client may use to reach this machine, for the internal CA's leaf: localhost and
 * the loopback addresses, the host name (and its mDNS `.local` form), every non-internal IPv4 and
 * global IPv6 address of `os.networkInterfaces()`, and the public URL's host when there is one.
 * IPv6 link-local addresses are left out: browsers do not address hosts by them.
 */
export function lanNames(publicHost?: string): string[] {
  const names = ['localhost', '127.0.0.1', '::1'];
  const host = hostname().toLowerCase();
  if (host && host !== 'localhost') names.push(host, ...(host.includes('.') ? [] : [`${host}.local`]));
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv6' && /^fe[89ab]/i.test(a.address)) continue;
      names.push(a.address);
    }
  }
  if (publicHost) names.push(publicHost.replace(/^\[|\]$/g, '').toLowerCase());
  return [...new Set(names)];
}
