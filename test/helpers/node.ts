import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { configDefaults } from '../../server/config/load.js';
import { loadConfig, startNode, type NodeHandle } from '../../server/index.js';
import type { HearthConfig, StartOptions } from '../../server/index.js';

export interface TestNode {
  node: NodeHandle;
  /** http://127.0.0.1:port */
  base: string;
  dataDir: string;
  api: Api;
  /** Registers a cleanup that runs before the node stops (last registered, first run). */
  defer(fn: () => unknown): void;
}

/**
 * A real node for one test file: its own embedded PostgreSQL in a fresh temp dir, HTTP on a free
 * port. Teardown is registered on the test context at once.
 */
/** Config overrides of a test; gateway and voice settings may be given one by one. */
export type TestOverrides = Omit<Partial<HearthConfig>, 'gateway' | 'voice'> & { gateway?: Partial<HearthConfig['gateway']>; voice?: Partial<HearthConfig['voice']> };

export async function startTestNode(t: Pick<TestContext, 'after'>, overrides: TestOverrides = {}, options: Omit<StartOptions, 'onProgress'> = {}): Promise<TestNode> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-test-'));
  await chmod(dataDir, 0o711);
  const started: { node?: NodeHandle } = {};
  const deferred: (() => unknown)[] = [];
  t.after(async () => {
    for (const fn of deferred.reverse()) await fn();
    await started.node?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  const config = loadConfig({
    env: {},
    // Rate limits are off unless a test turns them on (test/compat/discordjs-ratelimit.test.ts does).
    // So is the 5 s IDENTIFY interval per bot (test/integration/gateway-limits.test.ts sets it).
    overrides: {
      dataDir,
      host: '127.0.0.1',
      port: 0,
      httpsPort: 0,
      logLevel: 'silent',
      rateLimits: { ...configDefaults({}).rateLimits, enabled: false },
      // No mDNS announcements from tests unless one asks (test/integration/lan.test.ts).
      lan: { mdns: false },
      ...overrides,
      gateway: { identifyIntervalMs: 0, ...overrides.gateway },
      // Voice on free ports with one worker: test files run in parallel on a small machine.
      voice: { ...configDefaults({}).voice, port: 0, udpPort: 0, workers: 1, ...overrides.voice },
    },
  });
  const node = await startNode(config, { ...options, onProgress: () => undefined });
  started.node = node;
  const base = node.localUrl;
  return { node, base, dataDir, api: new Api(base), defer: (fn) => void deferred.push(fn) };
}

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny REST client for tests (raw fetch, so tests see exactly what the server sends). */
export class Api {
  constructor(readonly base: string) {}

  async request<T = any>(method: string, path: string, options: { token?: string; bot?: boolean; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<JsonResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = options.bot ? `Bot ${options.token}` : options.token;
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] ??= 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.base}/api/v10${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // leave as text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  /** Registers a user and returns its token and id. */
  async register(username: string): Promise<{ token: string; id: string }> {
    const res = await this.request<{ token: string; user_id: string }>('POST', '/auth/register', {
      body: { email: `${username}@example.test`, username, password: 'correct horse battery', date_of_birth: '1990-01-01', consent: true },
    });
    if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return { token: res.body.token, id: res.body.user_id };
  }

  /** Creates a guild as `token`; returns it with its channels. */
  async createGuild(token: string, name = 'Test Guild'): Promise<{ id: string; textChannelId: string; voiceChannelId: string }> {
    const res = await this.request<{ id: string }>('POST', '/guilds', { token, body: { name } });
    if (res.status !== 201) throw new Error(`create guild: ${res.status} ${JSON.stringify(res.body)}`);
    const channels = await this.request<{ id: string; type: number }[]>('GET', `/guilds/${res.body.id}/channels`, { token });
    return {
      id: res.body.id,
      textChannelId: channels.body.find((c) => c.type === 0)!.id,
      voiceChannelId: channels.body.find((c) => c.type === 2)!.id,
    };
  }

  /** An application with a bot, added to `guildId` by its owner with `permissions`. */
  async createBot(ownerToken: string, guildId: string, name = 'TestBot', permissions = '0'): Promise<{ appId: string; botId: string; token: string }> {
    const app = await this.request<{ id: string }>('POST', '/applications', { token: ownerToken, body: { name } });
    if (app.status !== 201) throw new Error(`create app: ${app.status} ${JSON.stringify(app.body)}`);
    const bot = await this.request<{ id: string; token: string }>('POST', `/applications/${app.body.id}/bot`, { token: ownerToken });
    if (bot.status !== 200) throw new Error(`create bot: ${bot.status} ${JSON.stringify(bot.body)}`);
    const auth = await this.request('POST', `/oauth2/authorize?client_id=${app.body.id}&scope=bot&permissions=${permissions}`, {
      token: ownerToken,
      body: { authorize: true, guild_id: guildId, permissions },
    });
    if (auth.status !== 200) throw new Error(`authorize bot: ${auth.status} ${JSON.stringify(auth.body)}`);
    return { appId: app.body.id, botId: bot.body.id, token: bot.body.token };
  }
}

/** Awaits a response and asserts Discord's error status and JSON code; returns it for more checks. */
export async function expectError(res: Promise<JsonResponse<any>>, status: number, code: number): Promise<JsonResponse<any>> {
  const r = await res;
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.code, code, JSON.stringify(r.body));
  return r;
}

/** A new user who joined the guild of `channelId` through a fresh invite of the owner. */
export async function joinedUser(api: Api, ownerToken: string, channelId: string, name: string): Promise<{ token: string; id: string }> {
  const user = await api.register(name);
  const invite = await api.request('POST', `/channels/${channelId}/invites`, { token: ownerToken, body: { unique: true } });
  assert.equal((await api.request('POST', `/invites/${invite.body.code}`, { token: user.token })).status, 200);
  return user;
}
