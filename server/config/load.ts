import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema, type ConfigLayer, type HearthConfig } from './schema.js';
import { defaultDataDir } from './paths.js';

/** A configuration problem, reported as one line and a non-zero exit. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const configDefaults = (env: NodeJS.ProcessEnv = process.env): HearthConfig => ({
  dataDir: defaultDataDir(env),
  host: '0.0.0.0',
  port: 8420,
  httpsPort: 8443,
  publicUrl: undefined,
  trustProxy: false,
  lan: { mdns: true },
  gatewayUrl: undefined,
  databaseUrl: undefined,
  rabbitmqUrl: undefined,
  rabbitmqExchange: 'hearth.events',
  embeddedPostgresPort: 0,
  logLevel: 'info',
  maxJsonBodyBytes: 8 * 1024 * 1024,
  maxUploadBytes: 25 * 1024 * 1024,
  gateway: {
    heartbeatIntervalMs: 41_250,
    resumeWindowMs: 120_000,
    replayMaxEvents: 1_000,
    requirePrivilegedIntentFlags: false,
    maxGuildsPerShard: 2_500,
    guildsPerRecommendedShard: 1_000,
    identifyMaxConcurrency: 1,
    identifyIntervalMs: 5_000,
    sendLimit: 120,
    sendLimitWindowMs: 60_000,
  },
  voice: { enabled: true, port: 8444, udpPort: 8444, workers: 0, heartbeatIntervalMs: 13_750, modes: ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'] },
  rateLimits: { enabled: true, globalPerSecond: 50, defaultLimit: 50, defaultWindowSeconds: 10, messageLimit: 5, messageWindowSeconds: 5 },
});

/** HEARTH_* variables and the config key each one sets. */
const ENV_KEYS: Record<string, { key: keyof HearthConfig; type: 'string' | 'int' }> = {
  HEARTH_DATA_DIR: { key: 'dataDir', type: 'string' },
  HEARTH_HOST: { key: 'host', type: 'string' },
  HEARTH_PORT: { key: 'port', type: 'int' },
  HEARTH_HTTPS_PORT: { key: 'httpsPort', type: 'int' },
  HEARTH_PUBLIC_URL: { key: 'publicUrl', type: 'string' },
  HEARTH_GATEWAY_URL: { key: 'gatewayUrl', type: 'string' },
  HEARTH_DATABASE_URL: { key: 'databaseUrl', type: 'string' },
  HEARTH_RABBITMQ_URL: { key: 'rabbitmqUrl', type: 'string' },
  HEARTH_RABBITMQ_EXCHANGE: { key: 'rabbitmqExchange', type: 'string' },
  HEARTH_EMBEDDED_PG_PORT: { key: 'embeddedPostgresPort', type: 'int' },
  HEARTH_LOG_LEVEL: { key: 'logLevel', type: 'string' },
  HEARTH_MAX_UPLOAD_BYTES: { key: 'maxUploadBytes', type: 'int' },
};


function envLayer(env: NodeJS.ProcessEnv): { layer: ConfigLayer; origin: Map<string, string> } {
  const layer: ConfigLayer = {};
  const origin = new Map<string, string>();
  for (const [name, { key, type }] of Object.entries(ENV_KEYS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    layer[key] = type === 'int' && /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
    origin.set(key, name);
  }
  // Switches: `on`/`off`; anything else is left for validation to report.
  const flag = (raw: string): unknown => (raw === 'on' ? true : raw === 'off' ? false : raw);
  if (env.HEARTH_TRUST_PROXY) {
    layer.trustProxy = flag(env.HEARTH_TRUST_PROXY);
    origin.set('trustProxy', 'HEARTH_TRUST_PROXY');
  }
  if (env.HEARTH_LAN_MDNS) {
    layer.lan = { mdns: flag(env.HEARTH_LAN_MDNS) };
    origin.set('lan', 'HEARTH_LAN_MDNS');
  }
  const limits = env.HEARTH_RATE_LIMITS;
  if (limits !== undefined && limits !== '') {
    layer.rateLimits = { enabled: limits === 'on' ? true : limits === 'off' ? false : limits };
    origin.set('rateLimits', 'HEARTH_RATE_LIMITS');
  }
  return { layer, origin };
}

function fileLayer(path: string): ConfigLayer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`config file ${path} cannot be read: ${(err as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ConfigError(`config file ${path} must hold a JSON object`);
    }
    return parsed as ConfigLayer;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Layers merge key by key; nested settings (gateway, rateLimits) merge one level down too. */
function mergeLayer(base: Record<string, unknown>, layer: ConfigLayer): Record<string, unknown> {
  const out = { ...base };
  for (const [key, value] of Object.entries(layer)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? { ...current, ...value } : value;
  }
  return out;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Explicit values that win over every layer (used by tests and by the Electron shell). */
  overrides?: ConfigLayer;
}

/**
 * Layers: defaults, then the config file (HEARTH_CONFIG, else `<dataDir>/config.json` when it
 * exists), then HEARTH_* environment variables, then explicit overrides. Validated once.
 */
export function loadConfig(options: LoadOptions = {}): HearthConfig {
  const env = options.env ?? process.env;
  const defaults = configDefaults(env);
  const fromEnv = envLayer(env);
  const dataDir = (options.overrides?.dataDir ?? fromEnv.layer.dataDir ?? defaults.dataDir) as string;
  const filePath = env.HEARTH_CONFIG ?? join(String(dataDir), 'config.json');
  const fromFile = env.HEARTH_CONFIG || existsSync(filePath) ? fileLayer(filePath) : {};
  const merged = [fromFile, fromEnv.layer, options.overrides ?? {}].reduce<Record<string, unknown>>(mergeLayer, { ...defaults });
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.join('.');
    const source = fromEnv.origin.get(String(issue.path[0])) ?? (key in fromFile ? `${key} in ${filePath}` : key);
    const got = issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k as string], merged);
    throw new ConfigError(`invalid configuration: ${source} ${issue.message} (got ${JSON.stringify(got)})`);
  }
  return result.data;
}

const SECRET = /(:\/\/[^:/@]+:)([^@]+)(@)/;

/** The config as it may be logged: passwords in URLs masked. */
export function maskConfig(config: HearthConfig): HearthConfig {
  return { ...config, databaseUrl: config.databaseUrl?.replace(SECRET, '$1***$3'), rabbitmqUrl: config.rabbitmqUrl?.replace(SECRET, '$1***$3') };
}
