import type { ChannelModel } from 'amqplib';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describeAmqpError, maskAmqpUrl, openAmqp } from './rabbitmq-probe.js';

export type RabbitMqStatus = 'disabled' | 'connecting' | 'connected' | 'error';

export interface RabbitMqView {
  /** Password masked. Empty when none is configured. */
  url: string;
  enabled: boolean;
  status: RabbitMqStatus;
  error?: string;
}

interface Stored {
  url: string;
  enabled: boolean;
}

const CONNECT_TIMEOUT_MS = 5000;
const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 60_000;
const MASK = '****';

/**
 * The RabbitMQ settings (URL and enabled flag, in a 0600 JSON file because the URL holds a
 * password) and, while enabled, one monitored connection: `connected` means it is open now;
 * when it fails or closes the status turns to `error` with the reason and it is retried with
 * a growing delay. The bus transport itself arrives later and will read these settings.
 */
export class RabbitMqSettings {
  private stored: Stored = { url: '', enabled: false };
  private status: RabbitMqStatus = 'disabled';
  private error: string | undefined;
  private connection: ChannelModel | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retryMs = RETRY_MIN_MS;
  /** Bumped on every change: callbacks of an older connection attempt are ignored. */
  private generation = 0;
  private firstAttempt: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(private readonly file: string) {}

  static async open(file: string): Promise<RabbitMqSettings> {
    const settings = new RabbitMqSettings(file);
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Stored>;
      settings.stored = { url: typeof parsed.url === 'string' ? parsed.url : '', enabled: parsed.enabled === true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    settings.restart();
    return settings;
  }

  view(): RabbitMqView {
    return { url: this.stored.url ? maskAmqpUrl(this.stored.url) : '', enabled: this.stored.enabled, status: this.status, ...(this.error ? { error: this.error } : {}) };
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

  /** Saves the settings and (re)connects when enabled; resolves once the first attempt settled. */
  async update(input: { url: string; enabled: boolean }): Promise<RabbitMqView> {
    this.stored = { url: this.unmask(input.url), enabled: input.enabled };
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(this.stored)}\n`, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, this.file);
    this.restart();
    await this.firstAttempt;
    return this.view();
  }

  /** Drops the monitored connection and the retry timer. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.generation++;
    clearTimeout(this.timer);
    await this.dropConnection();
  }

  private restart(): void {
    this.generation++;
    clearTimeout(this.timer);
    void this.dropConnection();
    this.retryMs = RETRY_MIN_MS;
    this.error = undefined;
    if (!this.stored.enabled || !this.stored.url || this.closed) {
      this.status = 'disabled';
      this.firstAttempt = Promise.resolve();
      return;
    }
    this.firstAttempt = this.connect(this.generation);
  }

  private async dropConnection(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close().catch(() => undefined);
  }

  private async connect(generation: number): Promise<void> {
    this.status = 'connecting';
    const url = this.stored.url;
    try {
      const { connection } = await openAmqp(url, CONNECT_TIMEOUT_MS);
      if (generation !== this.generation) {
        await connection.close().catch(() => undefined);
        return;
      }
      this.connection = connection;
      this.status = 'connected';
      this.error = undefined;
      this.retryMs = RETRY_MIN_MS;
      connection.on('error', () => undefined);
      connection.on('close', (err?: Error) => {
        if (generation !== this.generation || this.connection !== connection) return;
        this.connection = undefined;
        this.fail(generation, err ? `RabbitMQ closed the connection: ${err.message}` : 'RabbitMQ closed the connection.');
      });
    } catch (err) {
      if (generation === this.generation) this.fail(generation, describeAmqpError(err, url));
    }
  }

  private fail(generation: number, reason: string): void {
    this.status = 'error';
    this.error = reason;
    if (this.closed) return;
    this.timer = setTimeout(() => {
      if (generation === this.generation) void this.connect(generation);
    }, this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }
}
