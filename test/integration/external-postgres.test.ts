// HEARTH_DATABASE_URL: a node on the machine's own PostgreSQL (127.0.0.1:5432, trust auth)
// instead of an embedded cluster; two nodes sharing one database; an unreachable database.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import pg from 'pg';
import { migrations } from '../../server/db/migrations/index.js';
import { postgresProcessesIn } from '../helpers/cli.js';
import { startTestNode } from '../helpers/node.js';

const SERVER = 'postgres://postgres@127.0.0.1:5432';

async function query<R extends pg.QueryResultRow = any>(database: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: `${SERVER}/${database}` });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A new empty database with a random name, dropped in `t`'s teardown. Nodes using it must be
 * started in subtests of `t`, so that they stop before it is dropped.
 */
async function freshDatabase(t: TestContext): Promise<{ name: string; url: string }> {
  const name = `hearth_test_${randomBytes(6).toString('hex')}`;
  t.after(async () => {
    await query('postgres', 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await query('postgres', `DROP DATABASE IF EXISTS "${name}"`);
  });
  await query('postgres', `CREATE DATABASE "${name}"`);
  return { name, url: `${SERVER}/${name}` };
}

const migrationNames = migrations.map((M) => new M().name).sort();

test('a node on an external database keeps its data there and runs no embedded cluster', async (t) => {
  const db = await freshDatabase(t);
  let messageId = '';
  let userId = '';

  await t.test('serves REST with its rows in that database', async (st) => {
    const { node, dataDir, api } = await startTestNode(st, { databaseUrl: db.url });
    assert.equal(node.status().database, 'external');
    assert.equal(existsSync(join(dataDir, 'postgres')), false, 'no embedded cluster directory');
    assert.equal(existsSync(join(dataDir, 'postgres-credentials.json')), false, 'no embedded credentials');
    assert.deepEqual(postgresProcessesIn(dataDir), [], 'no postgres process runs for this data dir');

    const user = await api.register('extuser');
    userId = user.id;
    const guild = await api.createGuild(user.token, 'External');
    const sent = await api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: user.token, body: { content: 'stored outside' } });
    assert.equal(sent.status, 200);
    messageId = sent.body.id;

    const rows = await query(db.name, 'SELECT content, author_id::text AS author, guild_id::text AS guild FROM messages WHERE id = $1', [messageId]);
    assert.deepEqual(rows, [{ content: 'stored outside', author: user.id, guild: guild.id }]);
    const users = await query(db.name, 'SELECT username FROM users WHERE id = $1', [user.id]);
    assert.deepEqual(users, [{ username: 'extuser' }]);
    assert.deepEqual((await query(db.name, 'SELECT name FROM typeorm_migrations ORDER BY name')).map((r) => r.name), migrationNames);
  });

  await t.test('a restarted node finds the same data and applies no migration again', async (st) => {
    assert.ok(messageId, 'the first subtest stored a message');
    const { api, node } = await startTestNode(st, { databaseUrl: db.url });
    const login = await api.request('POST', '/auth/login', { body: { login: 'extuser@example.test', password: 'correct horse battery' } });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.body.user_id, userId);
    const me = await api.request('GET', '/users/@me', { token: login.body.token });
    assert.equal(me.body.id, userId);
    assert.equal(node.setupLink !== undefined, true, 'no admin in this database yet, so a setup link');
    assert.equal((await query(db.name, 'SELECT count(*)::int AS n FROM typeorm_migrations'))[0].n, migrationNames.length);
  });
});

test('two nodes started at once on one new database run the migrations exactly once', async (t) => {
  const db = await freshDatabase(t);
  await t.test('both start and serve', async (st) => {
    const [a, b] = await Promise.all([startTestNode(st, { databaseUrl: db.url }), startTestNode(st, { databaseUrl: db.url })]);
    const applied = await query(db.name, 'SELECT name FROM typeorm_migrations ORDER BY name');
    assert.deepEqual(applied.map((r) => r.name), migrationNames, 'one row per migration');

    // Both serve, and they share the data: what one writes the other reads.
    const user = await a.api.register('shared');
    const me = await b.api.request('GET', '/users/@me', { token: user.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, user.id);
    const guild = await b.api.createGuild(user.token, 'Shared');
    const sent = await a.api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: user.token, body: { content: 'via a' } });
    assert.equal(sent.status, 200);
    const history = await b.api.request('GET', `/channels/${guild.textChannelId}/messages?limit=5`, { token: user.token });
    assert.equal(history.status, 200);
    assert.deepEqual(history.body.map((m: any) => m.content), ['via a']);
    for (const n of [a, b]) assert.equal(n.node.status().database, 'external');
  });
});

test('an unreachable HEARTH_DATABASE_URL makes startNode reject naming it, within 15 s', async (t) => {
  for (const [name, url] of [
    ['nothing listens on the port', 'postgres://postgres@127.0.0.1:1/hearth'],
    ['the database does not exist', `${SERVER}/hearth_absent_${randomBytes(6).toString('hex')}`],
  ]) {
    await t.test(name!, async (st) => {
      const t0 = Date.now();
      await assert.rejects(startTestNode(st, { databaseUrl: url }), (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.match(err.message, /HEARTH_DATABASE_URL/);
        return true;
      });
      assert.ok(Date.now() - t0 < 15_000, `rejected after ${Date.now() - t0} ms`);
    });
  }
});
