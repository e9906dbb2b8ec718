import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { StoredFileRepository } from '../../server/db/repositories/stored-files.js';
import { FileCleanup } from '../../server/core/services/file-cleanup.js';
import { DiskStorage, type FileStorage } from '../../server/core/storage.js';

test('FileCleanup removes files after a deletion, reports the ones it cannot remove and never throws', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'hearth-cleanup-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const disk = new DiskStorage(root);
  for (const key of ['attachments/1/10/a.txt', 'attachments/1/11/b.txt', 'attachments/1/12/c.txt', 'emojis/20', 'stickers/30']) await disk.put(key, Buffer.from(key));
  await disk.put('attachments/1/13/d.txt', Buffer.from('d'));
  // The disk, except that one key fails to go (as a full or read-only disk would make it).
  const storage: FileStorage = Object.assign(Object.create(disk) as DiskStorage, {
    delete: (key: string) => (key.endsWith('d.txt') ? Promise.reject(new Error('EIO')) : disk.delete(key)),
  });

  const errors: string[] = [];
  // Reading which files belong to what is the repository's (tested against PostgreSQL in the integration tests).
  const cleanup = new FileCleanup(undefined as unknown as StoredFileRepository, storage, (_err, key) => errors.push(key));
  const files = [
    { kind: 'attachment' as const, owner_id: '100', storage_key: 'attachments/1/10/a.txt' },
    { kind: 'attachment' as const, owner_id: '101', storage_key: 'attachments/1/11/b.txt' },
    { kind: 'attachment' as const, owner_id: '102', storage_key: 'attachments/1/12/c.txt' },
    { kind: 'attachment' as const, owner_id: '103', storage_key: 'attachments/1/13/d.txt' },
    { kind: 'emoji' as const, owner_id: '20', storage_key: null },
    { kind: 'sticker' as const, owner_id: '30', storage_key: null },
  ];

  // Only the files of the owners that were deleted (a bulk delete that skipped message 102).
  await cleanup.remove(files, ['100', '101', '103', '20', '30']);
  assert.deepEqual(errors, ['attachments/1/13/d.txt']);
  assert.deepEqual(await readdir(join(root, 'attachments/1')), ['12', '13']);
  assert.deepEqual(await readdir(join(root, 'emojis')).catch(() => []), []);
  assert.deepEqual(await readdir(join(root, 'stickers')).catch(() => []), []);
  assert.equal((await disk.get('attachments/1/12/c.txt'))?.toString(), 'attachments/1/12/c.txt');

  // Without storage there is nothing to remove.
  await new FileCleanup(undefined as unknown as StoredFileRepository, undefined, () => assert.fail('no storage, no errors')).remove(files);
});
