import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EventBus } from './bus.js';
import { maskAmqpUrl } from './rabbitmq-probe.js';
import { RabbitBus } from './rabbitmq-bus.js';
import type { SwitchableBus } from './switchable-bus.js';

export type RabbitMqStatus = 'disabled' | 'connecting' | 'connected' | 'error';

export interface RabbitMqView {
  /** Password masked. Empty when none is configured. */
  url: string;
  enabled: boolean;
  status: RabbitMqStatus;
  error?: string;
  /** The transport the node's bus uses now. */
  bus: 'in-process' | 'rabbitmq';
}

interface Stored {
  url: string;
  enabled: boolean;
}

/** What the settings drive: the node's bus and how to make its transports. */
export interface BusControl {
  bus: SwitchableBus;
  openRabbit(url: string): Promise<RabbitBus>;
  local(): EventBus;
}

const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 60_000;
const MASK = '****';

/**
 * The RabbitMQ settings (URL and enabled flag, in a 0600 JSON file because the URL holds a
 * password), applied to the running node: enabling connects a RabbitMQ transport and switches
 * the node's bus to it, disabling switches back to the in-process bus, without a restart
 * (`SwitchableBus`: sessions identify again after a switch). A broker that cannot be reached
 * leaves the bus as it was, shows the reason and is retried with a growing delay. A URL given in
 * the configuration (`HEARTH_RABBITMQ_URL`) is the starting state and wins over the file at start.
 */
export class RabbitMqSettings {
  private stored: Stored = { url: '', enabled: false };
  private error: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retryMs = RETRY_MIN_MS;
  /** Bumped on every change: an older attempt's result is dropped. */
  private generation = 0;
  private closed = false;

  private constructor(
    private readonly file: string,
    private readonly control: BusControl,
  ) {}

  static async open(file: string, control: BusControl, configuredUrl?: string): Promise<RabbitMqSettings> {
    const settings = new RabbitMqSettings(file, control);
    if (configuredUrl) settings.stored = { url: configuredUrl, enabled: true };
    else {
      try {
        const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Stored>;
        settings.stored = { url: typeof parsed.url === 'string' ? parsed.url : '', enabled: parsed.enabled === true };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    // In the background: a saved broker that is down must not hold the node's start.
    void settings.apply(settings.generation);
    return settings;
  }

  view(): RabbitMqView {
    const transport = this.control.bus.transport;
    const rabbit = transport instanceof RabbitBus ? transport : undefined;
    // The transport of an older URL, kept while the saved one cannot be reached, is not its status.
    const saved = rabbit?.url === this.stored.url ? rabbit : undefined;
    const url = this.stored.url ? maskAmqpUrl(this.stored.url) : '';
    const bus = rabbit ? 'rabbitmq' : 'in-process';
    if (!this.stored.enabled) return { url, enabled: false, status: 'disabled', bus };
    if (saved) {
      const problem = saved.problem;
      return saved.connected || !problem ? { url, enabled: true, status: saved.connected ? 'connected' : 'connecting', bus } : { url, enabled: true, status: 'error', error: problem, bus };
    }
    return this.error ? { url, enabled: true, status: 'error', error: this.error, bus } : { url, enabled: true, status: 'connecting', bus };
  }

  /**
   * A URL whose password is the mask (as `view()` shows it) keeps the stored password, so the
   * dashboard can save the other fields without asking for it again.
   */
  unmask(url: string): string {
    try {
      const next = new URL(url);
      if (next.password !== MASK || !this.stored.url) return url;
      const prev = new URL(this.stored.url);
      if (prev.username === next.username && prev.host === next.host) next.password = prev.password;
      return next.toString();
    } catch {
      return url;
    }
  }

  /** Saves the settings and applies them to the bus; resolves once the first attempt settled. */
  async update(input: { url: string; enabled: boolean }): Promise<RabbitMqView> {
    this.stored = { url: this.unmask(input.url), enabled: input.enabled };
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(this.stored)}\n`, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, this.file);
    this.generation++;
    this.retryMs = RETRY_MIN_MS;
    await this.apply(this.generation);
    return this.view();
  }

  /** Stops retrying. Idempotent; the bus itself is closed by the node. */
  close(): Promise<void> {
    this.closed = true;
    this.generation++;
    clearTimeout(this.timer);
    return Promise.resolve();
  }

  private async apply(generation: number): Promise<void> {
    clearTimeout(this.timer);
    this.error = undefined;
    const { bus } = this.control;
    const current = bus.transport instanceof RabbitBus ? bus.transport : undefined;
    if (!this.stored.enabled || !this.stored.url) {
      if (current) await bus.switchTo(this.control.local()).catch(() => undefined);
      return;
    }
    if (current?.url === this.stored.url) return;
    let rabbit: RabbitBus;
    try {
      rabbit = await this.control.openRabbit(this.stored.url);
    } catch (err) {
      if (generation !== this.generation || this.closed) return;
      this.error = err instanceof Error ? err.message : String(err);
      this.timer = setTimeout(() => void this.apply(generation), this.retryMs);
      this.timer.unref();
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
      return;
    }
    if (generation !== this.generation || this.closed) {
      await rabbit.close();
      return;
    }
    await bus.switchTo(rabbit).catch(() => undefined);
  }
}
