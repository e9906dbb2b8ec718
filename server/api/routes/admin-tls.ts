import { Router, type Response } from 'express';
import { isIP } from 'node:net';
import { z } from 'zod';
import { HttpError } from '../../core/errors.js';
import { mapTlsStatus } from '../../core/mappers/tls.js';
import type { TlsService, TlsStatus } from '../../core/tls/tls-service.js';
import { route } from '../middleware/route.js';
import type { RouteDeps } from './deps.js';

/** What the TLS routes need besides the core: the service and where the node listens now. */
export interface TlsRouteDeps {
  tls: TlsService;
  endpoints(): { publicUrl: string; httpPort: number; httpsPort: number | undefined };
}

const DNS_NAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$/i;
const hostName = z
  .string()
  .trim()
  .max(253)
  .refine((n) => DNS_NAME.test(n) || isIP(n.replace(/^\[|\]$/g, '')) !== 0, 'Must be a DNS name or an IP address.');
const pem = z.string().max(256 * 1024);

const tlsBody = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('off') }),
  z.object({ mode: z.literal('internal-ca'), names: z.array(hostName).max(50).optional() }),
  z.object({ mode: z.literal('uploaded'), cert_pem: pem.min(1), key_pem: pem.min(1), chain_pem: pem.optional() }),
]);

const acmeBody = z.object({
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .refine((d) => DNS_NAME.test(d) && d.includes('.') && isIP(d) === 0, 'Must be a public DNS name such as chat.example.com.'),
  email: z.email().max(254),
  directory_url: z.url({ protocol: /^https?$/ }).max(2048),
  challenge: z.enum(['http-01', 'dns-01']),
});

function sendRoot(res: Response, pemText: string | undefined): void {
  if (!pemText) throw new HttpError('NOT_FOUND');
  // A Buffer: Express would append "; charset=utf-8" to a string body, which some OS importers dislike.
  res.set({ 'Content-Type': 'application/x-x509-ca-cert', 'Content-Disposition': 'attachment; filename="hearth-ca.crt"' }).send(Buffer.from(pemText));
}

/** `/admin/api/tls…` (admin contract); the admin session gate on /admin/api authenticates them. */
export function adminTlsRoutes(router: Router, { core }: RouteDeps, deps: TlsRouteDeps): void {
  const view = (status: TlsStatus) => mapTlsStatus(status, deps.endpoints());

  route(router, core.auth, { method: 'get', path: '/api/tls', handler: async () => view(await deps.tls.status()) });

  route(router, core.auth, {
    method: 'put',
    path: '/api/tls',
    body: tlsBody,
    handler: async ({ body }) => {
      if (body.mode === 'off') return view(await deps.tls.setOff());
      if (body.mode === 'internal-ca') return view(await deps.tls.setInternalCa(body.names));
      return view(await deps.tls.setUploaded({ certPem: body.cert_pem, keyPem: body.key_pem, chainPem: body.chain_pem }));
    },
  });

  route(router, core.auth, {
    method: 'post',
    path: '/api/tls/acme',
    body: acmeBody,
    handler: async ({ body }) => view(await deps.tls.startAcme({ domain: body.domain, email: body.email, directoryUrl: body.directory_url, challenge: body.challenge })),
  });

  route(router, core.auth, { method: 'post', path: '/api/tls/acme/continue', handler: async () => view(await deps.tls.continueAcme()) });

  router.get('/api/tls/root.crt', (_req, res, next) => {
    deps.tls
      .rootPem()
      .then((p) => sendRoot(res, p))
      .catch(next);
  });
}

/**
 * Public TLS paths on the node's root: the internal CA's root certificate for clients to trust,
 * and the HTTP-01 answers while an ACME order is validated.
 */
export function tlsPublicRoutes(tls: TlsService): Router {
  const router = Router();
  router.get('/hearth-ca.crt', (_req, res, next) => {
    tls
      .rootPem()
      .then((p) => sendRoot(res, p))
      .catch(next);
  });
  router.get('/.well-known/acme-challenge/:token', (req, res) => {
    const answer = tls.httpChallengeAnswer(req.params.token);
    if (answer === undefined) res.status(404).type('text/plain').send('Not found');
    else res.type('text/plain').send(answer);
  });
  return router;
}
