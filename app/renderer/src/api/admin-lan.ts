// Typed call of the LAN party admin route (GET /admin/api/lan), over the same AdminClient.
import type { AdminClient } from './admin';

export interface LanLink {
  interface: string;
  address: string;
  url: string;
  /** The URL as a QR code, SVG markup made by the node (qrcode). */
  qr_svg: string;
}

export interface LanView {
  links: LanLink[];
  http_port: number;
  https_port: number | null;
  tls_mode: string;
  ca_certificate_urls: string[] | null;
  mdns: { enabled: boolean; records: { type: string; name: string; port: number; txt: Record<string, string> }[] };
}

export function lanApi(client: AdminClient) {
  return { invite: () => client.request<LanView>('GET', '/lan') };
}
