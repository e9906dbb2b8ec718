import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeCertificate, renewalTime, type TlsMaterial } from '../../../server/core/tls/certificate.js';
import { publicUrlFor, TlsService } from '../../../server/core/tls/tls-service.js';
import { TlsStore } from '../../../server/core/tls/tls-store.js';

async function setup(t: { after(fn: () => unknown): void }, names: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-tls-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const applied: (TlsMaterial | null)[] = [];
  const errors: unknown[] = [];
  const lan = { names };
  const open = async () => {
    const service = await TlsService.open({
      store: new TlsStore(join(dir, 'tls')),
      apply: (m) => {
        applied.push(m);
        return Promise.resolve();
      },
      lanNames: () => lan.names,
      onError: (err) => void errors.push(err),
    });
    t.after(() => service.close());
    return service;
  };
  return { dir, applied, errors, lan, open };
}

test('the mode and certificate persist across restarts; files are 0600 in a 0700 directory', async (t) => {
  const { dir, applied, open } = await setup(t, ['localhost', '127.0.0.1']);
  const first = await open();
  assert.equal(first.mode, 'off');
  assert.equal(first.material === null, true);
  const status = await first.setInternalCa(['extra.lan']);
  assert.equal(status.mode, 'internal-ca');
  assert.deepEqual(status.certificate?.names, ['localhost', '127.0.0.1', 'extra.lan']);
  assert.equal(applied.length, 1);
  first.close();

  const second = await open();
  assert.equal(second.mode, 'internal-ca');
  assert.equal(second.material?.certPem, first.material?.certPem, 'a fresh, complete leaf is kept, not re-issued');
  assert.equal((await stat(join(dir, 'tls'))).mode & 0o777, 0o700);
  for (const file of await readdir(join(dir, 'tls'))) {
    if (file === 'ca') continue;
    assert.equal((await stat(join(dir, 'tls', file))).mode & 0o777, 0o600, file);
  }
  await second.setOff();
  assert.equal((await open()).mode, 'off');
});

test('an internal-CA leaf is re-issued at start when a LAN address appeared', async (t) => {
  const { lan, open } = await setup(t, ['localhost', '192.168.1.10']);
  const first = await open();
  await first.setInternalCa();
  first.close();
  lan.names = ['localhost', '192.168.1.10', '10.0.0.7'];
  const second = await open();
  assert.ok(describeCertificate(second.material!.certPem).names.includes('10.0.0.7'));
  assert.notEqual(second.material!.certPem, first.material!.certPem);
  second.close();
  assert.equal((await open()).material!.certPem, second.material!.certPem, 'the re-issued leaf was kept');
});

test('renewal is due at two thirds of the lifetime', () => {
  const notBefore = new Date('2026-01-01T00:00:00Z');
  const notAfter = new Date('2026-04-01T00:00:00Z');
  const due = renewalTime({ notBefore, notAfter });
  assert.equal(due.getTime(), notBefore.getTime() + ((notAfter.getTime() - notBefore.getTime()) * 2) / 3);
});

test('the public URL follows the mode', () => {
  assert.equal(publicUrlFor('off', 'http://192.168.1.10:8420', 8443), 'http://192.168.1.10:8420');
  assert.equal(publicUrlFor('internal-ca', 'http://192.168.1.10:8420', 8443), 'https://192.168.1.10:8443');
  assert.equal(publicUrlFor('acme', 'http://192.168.1.10:8420', 443, 'chat.example.com'), 'https://chat.example.com');
  assert.equal(publicUrlFor('uploaded', 'http://[::1]:8420', 8443), 'https://[::1]:8443');
  assert.equal(publicUrlFor('internal-ca', 'http://localhost:8420', undefined), 'http://localhost:8420');
});

test('a closed service refuses changes', async (t) => {
  const { open } = await setup(t, ['localhost']);
  const service = await open();
  service.close();
  service.close();
  await assert.rejects(service.setInternalCa(), /closed/);
});

test('the renewal timer re-issues the internal-CA leaf at two thirds of its lifetime', async (t) => {
  const { applied, errors, open } = await setup(t, ['localhost']);
  const service = await open();
  await service.setInternalCa();
  const first = service.material!;
  const due = renewalTime(describeCertificate(first.certPem)).getTime();
  // Mocked clock from here: the service's own timer (re-armed past the 24.8-day setTimeout limit) fires at `due`.
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() });
  // A service opened under the mocked clock arms its timer on it.
  service.close();
  const reopened = await open();
  assert.equal(reopened.material!.certPem, first.certPem);
  const before = applied.length;
  // In steps: a timer re-armed inside one tick() counts from the end of that tick.
  while (Date.now() < due - 1000) t.mock.timers.tick(Math.min(20 * 86_400_000, due - 1000 - Date.now()));
  assert.equal(applied.length, before, 'not yet');
  t.mock.timers.tick(2000);
  // setTimeout is mocked: wait for the renewal's real file I/O with setImmediate and a real clock.
  const end = performance.now() + 10_000;
  while (applied.length === before && performance.now() < end) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(errors, []);
  assert.equal(applied.length, before + 1, 'renewed through apply');
  assert.notEqual(reopened.material!.certPem, first.certPem);
  assert.ok(renewalTime(describeCertificate(reopened.material!.certPem)).getTime() > due);
});
