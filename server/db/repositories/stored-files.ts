import type { Queryable } from '../database.js';

/** One stored file and what owns it: a message's attachment, a guild's emoji or sticker. */
export interface StoredFileRow {
  kind: 'attachment' | 'emoji' | 'sticker';
  /** The owning message (attachments) or the emoji/sticker id. */
  owner_id: string;
  /** The storage key of an attachment; null for emojis and stickers (their key is derived from the id). */
  storage_key: string | null;
}

const THREADS = '(10, 11, 12)';

/**
 * The files that belong to rows about to be deleted, read before the deletion (the rows cascade
 * away with it) so that the files can be removed once it is committed.
 */
export class StoredFileRepository {
  constructor(private readonly db: Queryable) {}

  /** Attachments of these messages of one channel. */
  async ofMessages(channelId: string, messageIds: readonly string[]): Promise<StoredFileRow[]> {
    if (messageIds.length === 0) return [];
    return this.db.query<StoredFileRow>(
      `SELECT 'attachment' AS kind, message_id::text AS owner_id, storage_key FROM attachments
        WHERE channel_id = $1 AND message_id = ANY($2::bigint[])`,
      [channelId, messageIds],
    );
  }

  /** Attachments of a channel's messages and of its threads' messages (deleting a channel deletes its threads). */
  async ofChannel(channelId: string): Promise<StoredFileRow[]> {
    return this.db.query<StoredFileRow>(
      `SELECT 'attachment' AS kind, message_id::text AS owner_id, storage_key FROM attachments
        WHERE channel_id = $1 OR channel_id IN (SELECT id FROM channels WHERE parent_id = $1 AND type IN ${THREADS})`,
      [channelId],
    );
  }

  /** Every attachment in a guild's channels and threads, and its emojis and stickers. */
  async ofGuild(guildId: string): Promise<StoredFileRow[]> {
    return this.db.query<StoredFileRow>(
      `SELECT 'attachment' AS kind, message_id::text AS owner_id, storage_key FROM attachments
        WHERE channel_id IN (SELECT id FROM channels WHERE guild_id = $1)
       UNION ALL SELECT 'emoji', id::text, NULL FROM emojis WHERE guild_id = $1
       UNION ALL SELECT 'sticker', id::text, NULL FROM stickers WHERE guild_id = $1`,
      [guildId],
    );
  }
}
