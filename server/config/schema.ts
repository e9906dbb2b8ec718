import { z } from 'zod';

/** The one typed configuration object. Read once at start and passed down. */
export const configSchema = z
  .object({
    /** Where the node keeps its embedded database, files and secrets. */
    dataDir: z.string().min(1),
    /** Interface the HTTP server listens on. */
    host: z.string().min(1),
    /** HTTP port for REST, gateway, CDN and admin. 0 picks a free port. */
    port: z.number().int().min(0).max(65535),
    /** HTTPS port, used while a TLS mode (internal CA, ACME, uploaded) is on. 0 picks a free port. */
    httpsPort: z.number().int().min(0).max(65535),
    /** The URL clients are told to use (gateway URL, CDN URLs). Derived from host and port when absent. */
    publicUrl: z
      .url({ protocol: /^https?$/ })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    /** Believe X-Forwarded-Proto/Host when deriving advertised URLs (only behind a reverse proxy you run). */
    trustProxy: z.boolean(),
    /** LAN party: advertise the node on the local network with mDNS (`_hearth._tcp`, `_http._tcp`). */
    lan: z.object({ mdns: z.boolean() }),
    /**
     * This node's own gateway URL (ws[s]://host[:port]/gateway), sent as READY's
     * `resume_gateway_url` so a client resumes on the node that holds its session, past a load
     * balancer. Derived from the public URL when absent (one node).
     */
    gatewayUrl: z
      .url({ protocol: /^wss?$/ })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    /** External PostgreSQL. When absent the node runs an embedded PostgreSQL in dataDir. */
    databaseUrl: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    /** RabbitMQ: when set the node uses the RabbitMQ event bus (several nodes on one database). */
    rabbitmqUrl: z.url({ protocol: /^amqps?$/ }).optional(),
    /** The topic exchange the nodes of one deployment share. */
    rabbitmqExchange: z.string().min(1).max(255),
    /** Port of the embedded PostgreSQL; 0 picks a free one. Never 5432, which belongs to the machine's own server. */
    embeddedPostgresPort: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .refine((p) => p !== 5432, 'must not be 5432 (the machine’s own PostgreSQL port)'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    /** Largest accepted JSON request body, in bytes. */
    maxJsonBodyBytes: z.number().int().min(1024).max(100 * 1024 * 1024),
    /** Largest accepted uploaded file (message attachments), in bytes. Past it: 413 with code 40005. */
    maxUploadBytes: z.number().int().min(1).max(1024 * 1024 * 1024),
    gateway: z.object({
      heartbeatIntervalMs: z.number().int().min(1000).max(600_000),
      /** How long a session outlives its socket and can be resumed (op 6). */
      resumeWindowMs: z.number().int().min(1000).max(3_600_000),
      /** Dispatches kept per session for a resume; older ones make the session unresumable. */
      replayMaxEvents: z.number().int().min(1).max(100_000),
      /** When true an application gets privileged intents only through its `flags` (as Discord's portal grants them). */
      requirePrivilegedIntentFlags: z.boolean(),
      /** A bot with more guilds than this on one shard is closed with 4011 (sharding required). */
      maxGuildsPerShard: z.number().int().min(1),
      /** `/gateway/bot` recommends one shard per this many guilds. */
      guildsPerRecommendedShard: z.number().int().min(1),
      /** `session_start_limit.max_concurrency`: identify buckets of a bot (`shard_id % max_concurrency`). */
      identifyMaxConcurrency: z.number().int().min(1).max(64),
      /** One IDENTIFY per bucket per this many ms; later ones wait their turn. */
      identifyIntervalMs: z.number().int().min(0).max(60_000),
      /** Payloads a connection may send per window; past it the socket closes with 4008. */
      sendLimit: z.number().int().min(1),
      sendLimitWindowMs: z.number().int().min(1000),
    }),
    /** The voice gateway (TLS WebSocket, its own port) and the UDP media port. */
    voice: z.object({
      enabled: z.boolean(),
      /** TCP port of the voice gateway (wss); 0 picks a free one. */
      port: z.number().int().min(0).max(65535),
      /** The one UDP port for bot media; 0 picks a free one. */
      udpPort: z.number().int().min(0).max(65535),
      /** Host (name or IPv4) clients reach voice at; defaults to publicUrl's host, else the listen address. */
      publicHost: z.string().min(1).optional(),
      /** mediasoup workers; 0 = one per core. */
      workers: z.number().int().min(0).max(64),
      heartbeatIntervalMs: z.number().int().min(1000).max(600_000),
      /** Transport encryption modes offered, in order (clients take the first they know). */
      modes: z.array(z.enum(['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'])).min(1),
    }),
    /** Discord's REST rate limits (per node). */
    rateLimits: z.object({
      enabled: z.boolean(),
      globalPerSecond: z.number().int().min(1),
      defaultLimit: z.number().int().min(1),
      defaultWindowSeconds: z.number().positive(),
      messageLimit: z.number().int().min(1),
      messageWindowSeconds: z.number().positive(),
    }),
  })
  .strict();

export type HearthConfig = z.infer<typeof configSchema>;

/** Raw (pre-validation) shape of a config layer. */
export type ConfigLayer = Partial<Record<keyof HearthConfig, unknown>>;
