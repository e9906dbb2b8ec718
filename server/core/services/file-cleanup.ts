import type { StoredFileRepository, StoredFileRow } from '../../db/repositories/stored-files.js';
import type { FileStorage } from '../storage.js';
import { emojiKey, stickerKey } from './expression-files.js';

/** Called for each file that could not be removed (the node logs it); the deletion itself has succeeded. */
export type FileCleanupErrorHandler = (err: unknown, key: string) => void;

/**
 * Removes the files of deleted messages, channels, threads and guilds. Callers read the files
 * (`of…`) before deleting the rows, delete them, then `remove` the files: storage is touched only
 * once the database change is committed, and a storage failure is reported, never thrown, so the
 * request that deleted the rows still succeeds.
 */
export class FileCleanup {
  constructor(
    private readonly files: StoredFileRepository,
    private readonly storage: FileStorage | undefined,
    private readonly onError: FileCleanupErrorHandler,
  ) {}

  ofMessages(channelId: string, messageIds: readonly string[]): Promise<StoredFileRow[]> {
    return this.files.ofMessages(channelId, messageIds);
  }

  ofChannel(channelId: string): Promise<StoredFileRow[]> {
    return this.files.ofChannel(channelId);
  }

  ofGuild(guildId: string): Promise<StoredFileRow[]> {
    return this.files.ofGuild(guildId);
  }

  /** Removes the files; with `owners`, only those whose owner is listed (e.g. the messages a bulk delete did delete). */
  async remove(files: readonly StoredFileRow[], owners?: readonly string[]): Promise<void> {
    if (!this.storage) return;
    const only = owners ? new Set(owners) : undefined;
    for (const file of files) {
      if (only && !only.has(file.owner_id)) continue;
      const key = file.kind === 'emoji' ? emojiKey(file.owner_id) : file.kind === 'sticker' ? stickerKey(file.owner_id) : file.storage_key!;
      try {
        await this.storage.delete(key);
      } catch (err) {
        this.onError(err, key);
      }
    }
  }
}
