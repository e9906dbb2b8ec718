import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from '../../server/db/embedded-postgres.js';
import { CliProcess } from './cli.js';
import { Api } from './node.js';
import { TcpProxy } from './tcp-proxy.js';

/** A load balancer stand-in: new connections go to the node `switchTo` names last. */
export class TcpSwitch extends TcpProxy {
  static start(t: Pick<TestContext, 'after'>, target: number): Promise<TcpSwitch> {
    return TcpProxy.listen(t, (server) => new TcpSwitch(server, target));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}

export interface NodeProcess {
  cli: CliProcess;
  port: number;
  /** http://127.0.0.1:port: the node itself, not the balancer. */
  base: string;
  api: Api;
}

/**
 * A headless node as its own process (`npm start`) on an external database and broker, on a
 * port chosen here (its own gateway URL, `resume_gateway_url`, names that port); voice off, rate limits off, no IDENTIFY interval. `env` adds HEARTH_* settings.
 */
export async function startNodeProcess(t: Pick<TestContext, 'after'>, env: Record<string, string>): Promise<NodeProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-node-'));
  await writeFile(join(dataDir, 'config.json'), JSON.stringify({ voice: { enabled: false }, gateway: { identifyIntervalMs: 0 }, rateLimits: { enabled: false } }));
  const port = await freePort();
  const cli = new CliProcess({ HEARTH_DATA_DIR: dataDir, HEARTH_HOST: '127.0.0.1', HEARTH_PORT: String(port), HEARTH_HTTPS_PORT: '0', HEARTH_LOG_LEVEL: 'warn', HEARTH_GATEWAY_URL: `ws://127.0.0.1:${port}/gateway`, ...env });
  t.after(async () => {
    await cli.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  await cli.waitFor(/Hearth is running at/, 90_000);
  const base = `http://127.0.0.1:${port}`;
  return { cli, port, base, api: new Api(base) };
}
