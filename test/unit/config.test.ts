// loadConfig layering: defaults < config file < HEARTH_* environment < explicit overrides.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ConfigError, loadConfig } from '../../server/config/load.js';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-config-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('defaults apply when nothing is set', async (t) => {
  const dir = await tempDir(t);
  const config = loadConfig({ env: { HEARTH_DATA_DIR: dir } });
  assert.deepEqual(config, {
    dataDir: dir,
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
    rateLimits: { enabled: true, globalPerSecond: 50, defaultLimit: 50, defaultWindowSeconds: 10, messageLimit: 5, messageWindowSeconds: 5 },
    voice: { enabled: true, port: 8444, udpPort: 8444, workers: 0, heartbeatIntervalMs: 13_750, modes: ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'] },
  });
});

test('nested settings merge key by key, and HEARTH_RATE_LIMITS switches limits on and off', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'hearth.json');
  await writeFile(file, JSON.stringify({ rateLimits: { messageLimit: 20 } }));
  const fromFile = loadConfig({ env: { HEARTH_CONFIG: file, HEARTH_DATA_DIR: dir } });
  assert.equal(fromFile.rateLimits.messageLimit, 20);
  assert.equal(fromFile.rateLimits.messageWindowSeconds, 5, 'other keys keep their defaults');
  assert.equal(fromFile.rateLimits.enabled, true);
  const off = loadConfig({ env: { HEARTH_CONFIG: file, HEARTH_DATA_DIR: dir, HEARTH_RATE_LIMITS: 'off' } });
  assert.equal(off.rateLimits.enabled, false);
  assert.equal(off.rateLimits.messageLimit, 20, 'the env switch keeps the numbers from the file');
  assert.throws(() => loadConfig({ env: { HEARTH_DATA_DIR: dir, HEARTH_RATE_LIMITS: 'maybe' } }), /HEARTH_RATE_LIMITS/);
});

test('file < env < overrides, each key from the highest layer that sets it', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'hearth.json');
  await writeFile(file, JSON.stringify({ port: 1111, host: '10.0.0.1', logLevel: 'warn', maxJsonBodyBytes: 4096, gateway: { heartbeatIntervalMs: 5000 } }));
  const env = { HEARTH_CONFIG: file, HEARTH_DATA_DIR: dir, HEARTH_PORT: '2222', HEARTH_HOST: '10.0.0.2' };

  const config = loadConfig({ env, overrides: { host: '127.0.0.1' } });
  assert.equal(config.port, 2222, 'HEARTH_PORT wins over the file');
  assert.equal(config.host, '127.0.0.1', 'overrides win over HEARTH_HOST and the file');
  assert.equal(config.logLevel, 'warn', 'the file wins over defaults');
  assert.equal(config.maxJsonBodyBytes, 4096);
  assert.equal(config.gateway.heartbeatIntervalMs, 5000);
  assert.equal(config.gateway.resumeWindowMs, 120_000, 'other gateway keys keep their defaults');
  assert.equal(config.embeddedPostgresPort, 0, 'untouched keys keep their default');

  const withoutEnvPort = loadConfig({ env: { HEARTH_CONFIG: file, HEARTH_DATA_DIR: dir } });
  assert.equal(withoutEnvPort.port, 1111, 'the file sets the port when the environment does not');
  assert.equal(loadConfig({ env, overrides: { port: 3333 } }).port, 3333, 'overrides win over HEARTH_PORT');
  assert.equal(loadConfig({ env: { ...env, HEARTH_PORT: '' } }).port, 1111, 'an empty variable counts as unset');
});

test('<dataDir>/config.json is read when HEARTH_CONFIG is not set', async (t) => {
  const dir = await tempDir(t);
  assert.equal(loadConfig({ env: { HEARTH_DATA_DIR: dir } }).port, 8420);
  await writeFile(join(dir, 'config.json'), JSON.stringify({ port: 4444 }));
  assert.equal(loadConfig({ env: { HEARTH_DATA_DIR: dir } }).port, 4444);
  assert.equal(loadConfig({ env: {}, overrides: { dataDir: dir } }).port, 4444, 'the data dir may come from overrides');
});

test('HEARTH_LAN_MDNS and HEARTH_TRUST_PROXY switch mDNS and forwarded headers on and off', async (t) => {
  const dir = await tempDir(t);
  const config = loadConfig({ env: { HEARTH_DATA_DIR: dir, HEARTH_LAN_MDNS: 'off', HEARTH_TRUST_PROXY: 'on' } });
  assert.deepEqual([config.lan.mdns, config.trustProxy], [false, true]);
  assert.throws(() => loadConfig({ env: { HEARTH_DATA_DIR: dir, HEARTH_LAN_MDNS: 'maybe' } }), /HEARTH_LAN_MDNS/);
  assert.throws(() => loadConfig({ env: { HEARTH_DATA_DIR: dir, HEARTH_TRUST_PROXY: 'yes' } }), /HEARTH_TRUST_PROXY/);
});

test('invalid values name where they came from', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'c.json');
  await writeFile(file, JSON.stringify({ port: 'eighty' }));
  const cases: [NodeJS.ProcessEnv, RegExp][] = [
    [{ HEARTH_DATA_DIR: dir, HEARTH_PORT: 'abc' }, /^invalid configuration: HEARTH_PORT .*"abc"/],
    [{ HEARTH_DATA_DIR: dir, HEARTH_PORT: '-1' }, /HEARTH_PORT/],
    [{ HEARTH_DATA_DIR: dir, HEARTH_EMBEDDED_PG_PORT: '5432' }, /HEARTH_EMBEDDED_PG_PORT.*5432/],
    [{ HEARTH_DATA_DIR: dir, HEARTH_LOG_LEVEL: 'loud' }, /HEARTH_LOG_LEVEL/],
    [{ HEARTH_DATA_DIR: dir, HEARTH_PUBLIC_URL: 'ftp://x' }, /HEARTH_PUBLIC_URL/],
    [{ HEARTH_DATA_DIR: dir, HEARTH_CONFIG: file }, new RegExp(`port in ${file}`)],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig({ env }), (err: unknown) => err instanceof ConfigError && message.test(err.message) && !err.message.includes('\n'), JSON.stringify(env));
  }
  await writeFile(file, '[1, 2]');
  assert.throws(() => loadConfig({ env: { HEARTH_DATA_DIR: dir, HEARTH_CONFIG: file } }), /must hold a JSON object/);
  await writeFile(file, '{"port": 1,');
  assert.throws(() => loadConfig({ env: { HEARTH_DATA_DIR: dir, HEARTH_CONFIG: file } }), /not valid JSON/);
});

test('a public URL loses its trailing slash', async (t) => {
  const dir = await tempDir(t);
  assert.equal(loadConfig({ env: { HEARTH_DATA_DIR: dir, HEARTH_PUBLIC_URL: 'https://chat.example.org/' } }).publicUrl, 'https://chat.example.org');
});
