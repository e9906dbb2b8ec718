import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { MessageRepository } from '../../db/repositories/messages.js';
import type { EventBus } from '../../events/bus.js';
import { channelRouting, type AccessService } from '../access.js';
import type { AuthContext } from '../context.js';
import { HttpError } from '../errors.js';
import { snowflakeTimestamp } from '../ids/snowflake.js';
import { mapMember } from '../mappers/index.js';
import type { FileCleanup } from './file-cleanup.js';

/** Messages older than this cannot be bulk deleted (Discord's rule, from the id's timestamp). */
const BULK_DELETE_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;

/** Typing indicators and bulk deletion: channel-wide message actions. */
export class ChannelToolsService {
  constructor(
    private readonly messages: MessageRepository,
    private readonly guilds: GuildRepository,
    private readonly access: AccessService,
    private readonly bus: EventBus,
    private readonly files?: FileCleanup,
  ) {}

  /** `POST /channels/{c}/typing`: TYPING_START to everyone in the channel's guild (or DM). */
  async typing(ctx: AuthContext, channelId: string): Promise<void> {
    const access = await this.access.requireAnyChannelPermission(ctx, channelId, PermissionFlagsBits.SendMessages);
    const { keys, guild } = channelRouting(access);
    const member = access.guildId ? await this.guilds.findMember(access.guildId, ctx.userId) : undefined;
    await this.bus.publish({
      kind: 'dispatch',
      t: 'TYPING_START',
      d: {
        channel_id: channelId,
        ...guild,
        user_id: ctx.userId,
        timestamp: Math.floor(Date.now() / 1000),
        ...(member ? { member: mapMember(member) } : {}),
      },
      keys,
    });
  }

  /**
   * `POST /channels/{c}/messages/bulk-delete`: 2–100 ids, none older than 14 days (checked from the
   * ids before anything is looked up, as Discord does). Unknown ids are skipped.
   */
  async bulkDelete(ctx: AuthContext, channelId: string, ids: readonly string[]): Promise<void> {
    const access = await this.access.requireAnyChannelPermission(ctx, channelId, PermissionFlagsBits.ManageMessages);
    const unique = [...new Set(ids)];
    const oldest = Date.now() - BULK_DELETE_MAX_AGE_MS;
    if (unique.some((id) => snowflakeTimestamp(id) < oldest)) throw new HttpError('BULK_DELETE_TOO_OLD');
    const files = (await this.files?.ofMessages(channelId, unique)) ?? [];
    const deleted = await this.messages.deleteMany(channelId, unique);
    if (deleted.length === 0) return;
    await this.files?.remove(files, deleted);
    const { keys, guild } = channelRouting(access);
    await this.bus.publish({ kind: 'dispatch', t: 'MESSAGE_DELETE_BULK', d: { ids: deleted, channel_id: channelId, ...guild }, keys });
  }
}
