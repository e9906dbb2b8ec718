import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** The URLs a client is told to use: the base, the API, the gateway and the CDN (no trailing slash). */
export interface AdvertisedUrls {
  base: string;
  api: string;
  gateway: string;
  cdn: string;
}

export interface AdvertiseOptions {
  /** The configured public URL (config or dashboard, TLS mode applied); undefined when none is set. */
  configuredPublicUrl(): string | undefined;
  /** The node's own idea of its URL, used when the request's Host cannot be used. */
  fallbackUrl(): string;
  /** Whether X-Forwarded-Proto/Host from a reverse proxy are believed (config `trustProxy`). */
  trustProxy: boolean;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** A `Host` value we are willing to echo into URLs: a DNS name or an IP literal, with an optional port. */
export function validHost(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!m) return undefined;
  const name = m[1]!;
  const port = m[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  const ok = name.startsWith('[') ? isIP(name.slice(1, -1)) === 6 : isIP(name) === 4 || HOST_NAME.test(name);
  return ok ? value.trim().toLowerCase() : undefined;
}

/** `scheme://host[:port]` the client used to reach us, or undefined when the headers are unusable. */
export function requestOrigin(req: IncomingMessage, trustProxy: boolean): string | undefined {
  let scheme = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  let host = validHost(req.headers.host);
  if (trustProxy) {
    const proto = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]!.trim().toLowerCase();
    if (proto === 'http' || proto === 'https') scheme = proto;
    const fwdHost = validHost(String(req.headers['x-forwarded-host'] ?? '').split(',')[0]);
    if (fwdHost) host = fwdHost;
  }
  return host ? `${scheme}://${host}` : undefined;
}

/**
 * What discovery advertises: the configured public URL when there is one, else the scheme and
 * host the request came in on, so a LAN address typed by a friend comes back unchanged.
 */
export function advertisedUrls(req: IncomingMessage, options: AdvertiseOptions): AdvertisedUrls {
  const base = (options.configuredPublicUrl() ?? requestOrigin(req, options.trustProxy) ?? options.fallbackUrl()).replace(/\/+$/, '');
  return { base, api: `${base}/api`, gateway: `${base.replace(/^http/, 'ws')}/gateway`, cdn: `${base}/cdn` };
}
