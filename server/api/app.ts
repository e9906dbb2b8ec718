import express, { type NextFunction, type Request, type Response } from 'express';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import type { RabbitMqSettings } from '../events/rabbitmq-settings.js';
import { HttpError } from '../core/errors.js';
import { errorHandler } from './middleware/error-handler.js';
import { routeTable, type RouteSummary } from './middleware/route.js';
import { rateLimit, type RateLimiter } from './middleware/rate-limit.js';
import { adminRoutes } from './routes/admin.js';
import { adminRabbitMqRoutes } from './routes/admin-rabbitmq.js';
import { adminTlsRoutes, tlsPublicRoutes, type TlsRouteDeps } from './routes/admin-tls.js';
import { adminSession } from './middleware/admin-session.js';
import { dashboardRoutes } from './routes/admin-dashboard.js';
import { clientDirBeside, webClientRoutes } from './routes/web-client.js';
import { adminModerationRoutes } from './routes/admin-moderation.js';
import { adminNodeRoutes, type AdminNodeDeps } from './routes/admin-node.js';
import { adminLanRoutes, type LanInviteSource } from './routes/admin-lan.js';
import { applicationRoutes } from './routes/applications.js';
import { authRoutes } from './routes/auth.js';
import { banRoutes } from './routes/bans.js';
import type { RouteDeps } from './routes/deps.js';
import { commandRoutes } from './routes/commands.js';
import { accountExtraRoutes, guildExtraRoutes } from './routes/extras.js';
import { gatewayRoutes } from './routes/gateway.js';
import { channelRoutes, guildRoutes } from './routes/guilds.js';
import { interactionRoutes } from './routes/interactions.js';
import { memberRoutes } from './routes/members.js';
import { messageRoutes } from './routes/messages.js';
import { roleRoutes } from './routes/roles.js';
import { socialRoutes } from './routes/social.js';
import { userRoutes } from './routes/users.js';
import { webhookRoutes } from './routes/webhooks.js';
import { scheduledEventRoutes } from './routes/scheduled-events.js';
import { expressionRoutes } from './routes/expressions.js';
import { threadRoutes } from './routes/threads.js';
import { instanceRoutes, wellKnownRoutes } from './routes/instance.js';
import type { AdvertisedUrls } from '../core/advertised-urls.js';

export interface ApiDeps {
  core: Core;
  logger: Logger;
  publicUrl: string;
  gatewayUrl: string;
  maxJsonBodyBytes: number;
  /** Largest uploaded file, in bytes; 25 MiB when absent. */
  maxUploadBytes?: number;
  /** Owned by the caller, which closes it. */
  rateLimiter: RateLimiter;
  /** TLS and RabbitMQ administration (the node passes them; owned and closed by the node). */
  nodeAdmin?: TlsRouteDeps & { rabbitmq: RabbitMqSettings };
  /** Service control and logs for the dashboard; without them those admin routes are absent. */
  admin?: AdminNodeDeps;
  /** Discovery URLs for a request (core/advertised-urls.ts); without it, built from `publicUrl`. */
  advertised?: (req: IncomingMessage) => AdvertisedUrls;
  /** The dashboard's LAN party invite; without it `/admin/api/lan` is absent. */
  lan?: LanInviteSource;
  /** The built dashboard (app/renderer/dist by default). */
  dashboardDir?: string;
  /** The built web client served at `/` (app/renderer/client/dist, or `client/dist` beside a given dashboardDir). */
  clientDir?: string;
}

const SUPPORTED_VERSIONS = new Set(['9', '10']);

/**
 * `@me`, `@original` and emoji arrive percent-encoded (discord-api-types encodes every route
 * argument). `%40` is decoded before routing; other escapes are decoded by Express per segment.
 */
function decodeAt(req: Request, _res: Response, next: NextFunction): void {
  if (req.url.includes('%40')) {
    const q = req.url.indexOf('?');
    const path = q === -1 ? req.url : req.url.slice(0, q);
    req.url = path.replace(/%40/gi, '@') + (q === -1 ? '' : req.url.slice(q));
  }
  next();
}

/** The Discord routes an API app serves (set by `createApiApp`). */
export function apiRoutes(app: express.Express): RouteSummary[] {
  return app.locals.routes as RouteSummary[];
}

/** `/api/v10/x` → `/x`; versions other than 9 and 10 get 50041. Unversioned `/api/x` is served too. */
function stripVersion(req: Request, _res: Response, next: NextFunction): void {
  const m = /^\/v(\d+)(?=\/|\?|$)/.exec(req.url);
  if (m) {
    if (!SUPPORTED_VERSIONS.has(m[1]!)) return next(new HttpError('INVALID_API_VERSION'));
    req.url = req.url.slice(m[0].length) || '/';
    if (!req.url.startsWith('/')) req.url = `/${req.url}`;
  }
  next();
}

/** The Discord REST API (`/api`, `/api/v9`, `/api/v10`), the admin API (`/admin`) and the web client (`/`). */
export function createApiApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  // Read at request time: the public URL follows the TLS mode.
  const routeDeps: RouteDeps = {
    core: deps.core,
    get publicUrl() {
      return deps.publicUrl;
    },
    get gatewayUrl() {
      return deps.gatewayUrl;
    },
    advertised: (req) => deps.advertised?.(req) ?? { base: deps.publicUrl, api: `${deps.publicUrl}/api`, gateway: deps.gatewayUrl, cdn: `${deps.publicUrl}/cdn` },
    maxUploadBytes: deps.maxUploadBytes ?? 25 * 1024 * 1024,
    maxJsonBodyBytes: deps.maxJsonBodyBytes,
  };

  const api = express.Router({ caseSensitive: true });
  for (const register of [instanceRoutes, authRoutes, userRoutes, applicationRoutes, gatewayRoutes, guildRoutes, channelRoutes, socialRoutes, messageRoutes, roleRoutes, memberRoutes, banRoutes, commandRoutes, interactionRoutes, webhookRoutes, expressionRoutes, scheduledEventRoutes, guildExtraRoutes, accountExtraRoutes, threadRoutes]) {
    register(api, routeDeps);
  }
  api.use((_req, _res, next) => next(new HttpError('NOT_FOUND')));

  const admin = express.Router();
  admin.use('/api', adminSession(deps.core, deps.rateLimiter));
  adminRoutes(admin, routeDeps);
  if (deps.admin) adminNodeRoutes(admin, routeDeps, deps.admin);
  adminModerationRoutes(admin, routeDeps);
  if (deps.lan) adminLanRoutes(admin, routeDeps, deps.lan);
  if (deps.nodeAdmin) {
    adminTlsRoutes(admin, routeDeps, deps.nodeAdmin);
    adminRabbitMqRoutes(admin, routeDeps, deps.nodeAdmin.rabbitmq);
  }
  admin.use('/api', (_req, _res, next) => next(new HttpError('NOT_FOUND')));
  dashboardRoutes(admin, deps.dashboardDir);

  const json = express.json({ limit: deps.maxJsonBodyBytes, strict: false });
  app.use(decodeAt);
  if (deps.nodeAdmin) app.use(tlsPublicRoutes(deps.nodeAdmin.tls));
  app.use(wellKnownRoutes(routeDeps.advertised));
  app.use('/api', stripVersion, rateLimit(deps.core.auth, deps.rateLimiter), json, api);
  app.use('/admin', json, admin);
  const client = express.Router({ caseSensitive: true, strict: false });
  webClientRoutes(client, deps.clientDir ?? clientDirBeside(deps.dashboardDir), () => deps.core.voiceStates.endpoint());
  app.use(client);
  app.use(errorHandler(deps.logger));
  app.locals.routes = routeTable(api);
  return app;
}
