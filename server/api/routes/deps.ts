import type { Request } from 'express';
import type { Core } from '../../core/core.js';
import type { AdvertisedUrls } from '../../core/advertised-urls.js';

/** What route modules are given. */
export interface RouteDeps {
  core: Core;
  /** The node's advertised base URL (no trailing slash). */
  publicUrl: string;
  /** ws(s)://…/gateway, as GET /gateway advertises it. */
  gatewayUrl: string;
  /** Discovery URLs for one request: the configured public URL, else the request's scheme and Host. */
  advertised(req: Request): AdvertisedUrls;
  /** Largest uploaded file, in bytes (config `maxUploadBytes`). */
  maxUploadBytes: number;
  /** Largest JSON body (and `payload_json` part), in bytes. */
  maxJsonBodyBytes: number;
}
