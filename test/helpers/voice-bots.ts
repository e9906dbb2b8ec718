import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTestNode, type TestOverrides } from './node.js';
import { voiceCaPath } from './voice.js';

const SCRIPT = fileURLToPath(new URL('./voice-bot.ts', import.meta.url));

/** The parent's handle on one voice-bot.ts child process. */
export class VoiceBot {
  readonly messages: any[] = [];
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m) => {
      this.messages.push(m);
      for (const w of [...this.waiters]) w();
    });
    this.exited = new Promise((resolve) => child.on('exit', (code) => {
      resolve(code);
      for (const w of [...this.waiters]) w();
    }));
  }

  static start(env: Record<string, string>): VoiceBot {
    const child = fork(SCRIPT, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new VoiceBot(child);
  }

  send(command: unknown): void {
    this.child.send(command as never);
  }

  /** The first message of `type`; an `error` message from the child fails at once. */
  wait(type: string, ms = 30_000): Promise<any> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const error = this.messages.find((m) => m.type === 'error');
        if (error) return finish(() => reject(new Error(`voice bot: ${error.message}`)));
        const found = this.messages.find((m) => m.type === type);
        if (found) return finish(() => resolve(found));
        if (this.child.exitCode !== null) finish(() => reject(new Error(`voice bot exited (${this.child.exitCode}) before ${type}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`voice bot: no ${type} within ${ms} ms; got ${JSON.stringify(this.messages)}`))), ms);
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        fn();
      };
      this.waiters.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.send({ type: 'leave' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * A node with voice, an owner's guild and two @discordjs/voice bots in its voice channel, both
 * ready: `speaker` (A) and `listener` (B). The bots stop with the test.
 */
export async function twoBotCall(t: Pick<TestContext, 'after'>, options: { dave: 'default' | 'off'; owner?: string; overrides?: TestOverrides }) {
  const started = await startTestNode(t, options.overrides);
  const { api, base, dataDir, node, defer } = started;
  assert.equal(node.status().voice.available, true, node.status().voice.reason);
  const owner = await api.register(options.owner ?? 'owner');
  const guild = await api.createGuild(owner.token);
  const a = await api.createBot(owner.token, guild.id, 'Speaker');
  const b = await api.createBot(owner.token, guild.id, 'Listener');
  const env = { BASE: base, GUILD: guild.id, CHANNEL: guild.voiceChannelId, NODE_EXTRA_CA_CERTS: voiceCaPath(dataDir), DAVE: options.dave };
  const speaker = VoiceBot.start({ ...env, TOKEN: a.token });
  defer(() => speaker.stop());
  const listener = VoiceBot.start({ ...env, TOKEN: b.token });
  defer(() => listener.stop());
  await Promise.all([speaker.wait('ready'), listener.wait('ready')]);
  return { ...started, owner, guild, a, b, env, speaker, listener };
}
