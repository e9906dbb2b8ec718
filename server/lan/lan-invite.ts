import QRCode from 'qrcode';
import type { LanAddress } from './lan-addresses.js';

/** One way in for a friend on the LAN: the web client's URL on one of this machine's addresses. */
export interface LanInviteLink {
  interface: string;
  address: string;
  url: string;
  /** The URL as a QR code (SVG text, dark modules on white, quiet zone included). */
  qr_svg: string;
}

export interface LanInvite {
  links: LanInviteLink[];
  http_port: number;
  https_port: number | null;
  tls_mode: string;
  /** Where friends download the internal CA's root (HTTP, so it works before they trust it); null unless the internal CA is the TLS mode. */
  ca_certificate_urls: string[] | null;
  mdns: { enabled: boolean; records: { type: string; name: string; port: number; txt: Record<string, string> }[] };
}

export interface LanInviteSources {
  addresses(): LanAddress[];
  ports(): { http: number; https: number | undefined };
  tlsMode(): string;
  mdns(): LanInvite['mdns'];
}

const hostPort = (address: string, port: number, defaultPort: number) => (port === defaultPort ? address : `${address}:${port}`);

/** Builds the dashboard's LAN invite: one link (and QR code) per LAN address, the CA download with the internal CA. */
export async function buildLanInvite(sources: LanInviteSources): Promise<LanInvite> {
  const { http, https } = sources.ports();
  const mode = sources.tlsMode();
  const secure = mode !== 'off' && https !== undefined;
  const addresses = sources.addresses();
  const links = await Promise.all(
    addresses.map(async (a) => {
      const url = secure ? `https://${hostPort(a.address, https, 443)}/` : `http://${hostPort(a.address, http, 80)}/`;
      const qr_svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } });
      return { interface: a.interface, address: a.address, url, qr_svg };
    }),
  );
  return {
    links,
    http_port: http,
    https_port: https ?? null,
    tls_mode: mode,
    ca_certificate_urls: mode === 'internal-ca' ? addresses.map((a) => `http://${hostPort(a.address, http, 80)}/hearth-ca.crt`) : null,
    mdns: sources.mdns(),
  };
}
