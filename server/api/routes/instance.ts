import { Router, type Request } from 'express';
import type { AdvertisedUrls } from '../../core/advertised-urls.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

/**
 * Spacebar instance discovery, as third-party Spacebar web clients (Fermi/JankClient) use it:
 * `/ping`, `/policies/instance/domains` and `/policies/instance/config` under `/api` (and `/api/v9`).
 * Every URL is built from the request (docs/web-clients.md): the client keeps what it is told.
 */
export function instanceRoutes(router: Router, deps: RouteDeps): void {
  const { core } = deps;
  const instance = async () => {
    const settings = await core.adminSettings.get();
    return {
      id: null,
      name: settings.server_name,
      description: 'A Hearth node',
      image: null,
      correspondenceEmail: null,
      correspondenceUserID: null,
      frontPage: null,
      tosPage: null,
    };
  };

  route(router, core.auth, { method: 'get', path: '/ping', auth: false, handler: async () => ({ ping: 'pong!', instance: await instance() }) });

  route(router, core.auth, {
    method: 'get',
    path: '/policies/instance/domains',
    auth: false,
    handler: ({ req }) => {
      const urls = deps.advertised(req);
      return Promise.resolve({ apiEndpoint: urls.api, gateway: urls.gateway, cdn: urls.cdn, defaultApiVersion: '9' });
    },
  });

  route(router, core.auth, {
    method: 'get',
    path: '/policies/instance/config',
    auth: false,
    handler: async () => ({ ...(await instance()), can_recover_account: false, registration: true }),
  });
}

/** `/.well-known/spacebar` on the node's root: `api` is the API URL (with `/api`, no trailing slash). */
export function wellKnownRoutes(advertised: (req: Request) => AdvertisedUrls): Router {
  const router = Router();
  router.get('/.well-known/spacebar', (req, res) => void res.json({ api: advertised(req).api }));
  return router;
}
