// `npm run coverage:routes`: calls every operation of Discord's OpenAPI spec
// (../shared/discord/openapi-routes.txt, or ROUTES_FILE) on a node with a valid bot token and
// prints the share that exists. "Exists" = any answer except 404/405 with `code: 0` (Discord's
// unknown-route body); a 10xxx, 50013, 50035 or a 2xx means the route is served.
// By default a temporary node is started; set HEARTH_URL and HEARTH_BOT_TOKEN to probe a running one.
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from '../test/helpers/node.js';
import { loadConfig, startNode, type NodeHandle } from '../server/index.js';

const NOT_BOT_API = new Set(['lobbies', 'partner-sdk', 'monetization']);

function area(path: string): string {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'lobbies') return 'lobbies';
  if (parts[0] === 'partner-sdk') return 'partner-sdk';
  if (path.includes('entitlements') || path.includes('/skus') || path.includes('subscriptions')) return 'monetization';
  if (parts[0] === 'guilds' && parts[2]) return `guilds/${parts[2]}`;
  if (parts[0] === 'channels' && parts[2]) return `channels/${parts[2]}`;
  if (parts[0] === 'applications' && parts[2]) return `applications/${parts[2] === 'guilds' ? 'commands' : parts[2]}`;
  return parts[0] ?? '/';
}

async function main(): Promise<void> {
  const routesFile = process.env.ROUTES_FILE ?? join(process.cwd(), '..', 'shared', 'discord', 'openapi-routes.txt');
  const ops = (await readFile(routesFile, 'utf8'))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [method, path] = l.split(/\s+/) as [string, string];
      return { method, path };
    });

  let node: NodeHandle | undefined;
  let dataDir: string | undefined;
  let base = process.env.HEARTH_URL;
  let token = process.env.HEARTH_BOT_TOKEN;
  const ids: Record<string, string> = {};
  try {
    if (!base || !token) {
      dataDir = await mkdtemp(join(tmpdir(), 'hearth-coverage-'));
      await chmod(dataDir, 0o711);
      node = await startNode(loadConfig({ env: {}, overrides: { dataDir, host: '127.0.0.1', port: 0, logLevel: 'silent', rateLimits: { enabled: false } } }), { onProgress: () => undefined });
      base = node.localUrl;
      const api = new Api(base);
      const owner = await api.register('coverage');
      const guild = await api.createGuild(owner.token, 'Coverage');
      const bot = await api.createBot(owner.token, guild.id, 'CoverageBot', '8');
      token = bot.token;
      const msg = await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token, bot: true, body: { content: 'coverage' } });
      Object.assign(ids, { guild_id: guild.id, channel_id: guild.textChannelId, application_id: bot.appId, user_id: owner.id, message_id: msg.body.id });
    }
    const fake = '1234567890123456789';
    const fill = (path: string) =>
      path.replace(/\{([a-z_]+)\}/g, (_m, name: string) => {
        if (name === 'emoji_name') return encodeURIComponent('👍');
        if (name === 'code' || name === 'invite_code') return 'abcdefgh';
        if (name === 'webhook_token' || name === 'interaction_token') return 'x'.repeat(68);
        return ids[name] ?? fake;
      });
    // Destructive operations last, so that earlier calls see the fixtures.
    const ordered = [...ops.filter((o) => o.method !== 'DELETE'), ...ops.filter((o) => o.method === 'DELETE')];
    const results = new Map<string, { present: number; total: number; missing: string[] }>();
    for (const op of ordered) {
      const call = () =>
        fetch(`${base}/api/v10${fill(op.path)}`, {
          method: op.method,
          headers: { authorization: `Bot ${token}`, ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
          body: op.method === 'GET' || op.method === 'DELETE' ? undefined : '{}',
        });
      let res = await call();
      // A 429 says nothing about the route: wait as told and ask again.
      for (let tries = 0; res.status === 429 && tries < 5; tries++) {
        await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? '1') * 1000 + 20));
        res = await call();
      }
      const body = (await res.json().catch(() => ({}))) as { code?: number };
      const present = !((res.status === 404 || res.status === 405) && body.code === 0);
      const key = area(op.path);
      const entry = results.get(key) ?? { present: 0, total: 0, missing: [] };
      entry.total++;
      if (present) entry.present++;
      else entry.missing.push(`${op.method} ${op.path}`);
      results.set(key, entry);
    }
    let botPresent = 0;
    let botTotal = 0;
    const rows = [...results.entries()].sort(([a], [b]) => a.localeCompare(b));
    console.log('area                              present / total');
    for (const [key, r] of rows) {
      console.log(`${key.padEnd(34)}${String(r.present).padStart(7)} / ${r.total}${NOT_BOT_API.has(key) ? '   (not bot API, excluded)' : ''}`);
      if (!NOT_BOT_API.has(key)) {
        botPresent += r.present;
        botTotal += r.total;
      }
    }
    const all = rows.reduce((a, [, r]) => a + r.present, 0);
    console.log(`\nall operations: ${all} / ${ops.length} (${((100 * all) / ops.length).toFixed(1)} %)`);
    console.log(`bot-relevant operations: ${botPresent} / ${botTotal} (${((100 * botPresent) / botTotal).toFixed(1)} %)`);
    if (process.env.COVERAGE_VERBOSE) {
      for (const [key, r] of rows) for (const m of r.missing) console.log(`missing [${key}] ${m}`);
    }
  } finally {
    await node?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
