import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export interface LanAddress {
  interface: string;
  address: string;
}

/** Non-internal IPv4 addresses of this machine, the ones a friend on the LAN can reach; private ranges first. */
export function lanAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): LanAddress[] {
  const out: LanAddress[] = [];
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family === 'IPv4' && !info.internal && !info.address.startsWith('169.254.')) out.push({ interface: name, address: info.address });
    }
  }
  const isPrivate = (a: string) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(a);
  return out.sort((x, y) => Number(isPrivate(y.address)) - Number(isPrivate(x.address)));
}
