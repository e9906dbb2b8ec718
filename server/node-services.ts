import { pino, type Level, type Logger, type StreamEntry } from 'pino';
import type { Core } from './core/core.js';
import type { Database } from './db/database.js';
import type { GatewayServer } from './gateway/server.js';
import type { LogBuffer } from './log-buffer.js';
import { ServiceRegistry, type ServiceGate } from './services-registry.js';
import type { VoiceStatus } from './voice/start.js';

const RANK: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/**
 * The node's logger: stderr at the configured level, and the dashboard's ring buffer at info
 * (or lower when configured lower), so the Logs page has lines even when stderr is silent.
 */
export function nodeLogger(level: string, ring: LogBuffer): Logger {
  const ringLevel: Level = (RANK[level] ?? 30) < 30 ? (level as Level) : 'info';
  const streams: StreamEntry[] = [{ level: ringLevel, stream: ring }];
  if (level !== 'silent') streams.push({ level: level as Level, stream: pino.destination(2) });
  const lowest = (RANK[level] ?? 30) < RANK[ringLevel]! ? level : ringLevel;
  return pino({ level: lowest }, pino.multistream(streams));
}

/** The registry of the node's parts, as the dashboard sees them. */
export function nodeServices(deps: { db: Database; core: Core; gateway: GatewayServer; gates: { api: ServiceGate; cdn: ServiceGate }; voice: () => VoiceStatus; embedded: boolean; logger: Logger }): ServiceRegistry {
  const { db, core, gateway, gates, voice } = deps;
  return new ServiceRegistry(
    [
      {
        name: 'database',
        supports: ['restart'],
        restart: () => db.reconnect(),
        health: () => core.adminModeration.ping(),
        detail: () => {
          const pool = db.poolStats();
          return `${deps.embedded ? 'Embedded' : 'External'} PostgreSQL · ${pool.total} connection${pool.total === 1 ? '' : 's'} (${pool.idle} idle)`;
        },
      },
      {
        name: 'api',
        supports: ['start', 'stop', 'restart'],
        start: async () => void (gates.api.open = true),
        stop: async () => void (gates.api.open = false),
        detail: () => (gates.api.open ? 'Discord REST API at /api' : 'Answering 503 at /api'),
      },
      {
        name: 'gateway',
        supports: ['start', 'stop', 'restart'],
        start: async () => gateway.resume(),
        stop: async () => gateway.suspend(),
        detail: () => (gateway.running ? `WebSocket gateway at /gateway · ${gateway.sessionCount} session${gateway.sessionCount === 1 ? '' : 's'}` : 'Refusing connections'),
      },
      {
        name: 'cdn',
        supports: ['start', 'stop', 'restart'],
        start: async () => void (gates.cdn.open = true),
        stop: async () => void (gates.cdn.open = false),
        detail: () => (gates.cdn.open ? 'Files at /cdn' : 'Answering 503 at /cdn'),
      },
      {
        name: 'voice',
        // Started with the node (its own ports and workers); no runtime switch yet.
        supports: [],
        disabledReason: voice().available ? undefined : `Voice disabled: ${voice().reason}`,
        detail: () => {
          const v = voice();
          return v.available ? `Voice gateway wss://${v.endpoint} · UDP ${v.udpPort} · ${v.workers} worker${v.workers === 1 ? '' : 's'} · ${v.connections} connection${v.connections === 1 ? '' : 's'}` : undefined;
        },
      },
    ],
    () => gateway.sessionCount,
    deps.logger,
  );
}
