import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { HearthConfig } from '../config/schema.js';
import type { Core } from '../core/core.js';
import { VoiceServer, type VoiceServerStatus } from './server.js';
import { internalCaTls, type TlsSource } from './tls.js';
import type { VoiceWorkerStatus } from './worker-locator.js';

export type VoiceStatus = VoiceWorkerStatus & Partial<VoiceServerStatus>;

export interface VoiceHandle {
  /** The running voice server, when voice is available. */
  readonly server: VoiceServer | undefined;
  status(): VoiceStatus;
  stop(): Promise<void>;
}

export interface StartVoiceOptions {
  config: HearthConfig;
  core: Core;
  logger: Logger;
  located: VoiceWorkerStatus;
  tls?: TlsSource | undefined;
}

/**
 * Starts the voice server when it is enabled and a worker runs here. Anything else (no worker,
 * a port taken, no certificate) leaves the node running with voice off and the reason in its
 * status and in `GET /voice/regions`.
 */
export async function startVoice({ config, core, logger, located, tls }: StartVoiceOptions): Promise<VoiceHandle> {
  const off = (reason: string): VoiceHandle => ({ server: undefined, status: () => ({ available: false, reason }), stop: () => Promise.resolve() });
  if (!config.voice.enabled) return off('voice is turned off in the configuration');
  if (!located.available || !located.path) return off(located.reason);
  const listenHost = config.host;
  const loopback = listenHost === '0.0.0.0' || listenHost === '::' ? '127.0.0.1' : listenHost;
  const publicHost = config.voice.publicHost ?? (config.publicUrl ? new URL(config.publicUrl).hostname : loopback);
  try {
    const server = await VoiceServer.start({
      core,
      logger,
      workerBin: located.path,
      workers: config.voice.workers || availableParallelism(),
      host: listenHost,
      port: config.voice.port,
      udpPort: config.voice.udpPort,
      publicHost,
      heartbeatIntervalMs: config.voice.heartbeatIntervalMs,
      modes: config.voice.modes,
      tls: tls ?? internalCaTls(config.dataDir, [publicHost, 'localhost', '127.0.0.1']),
    });
    return {
      server,
      status: () => ({ ...located, ...server.status() }),
      stop: () => server.close(),
    };
  } catch (err) {
    logger.error({ err }, 'voice server failed to start; voice is off');
    return off(`the voice server failed to start: ${err instanceof Error ? err.message : String(err)}`);
  }
}
