import type { UserRow } from '../../db/entities/index.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { UserRepository } from '../../db/repositories/users.js';
import type { EventBus } from '../../events/bus.js';
import { guildKey, userKey } from '../../events/bus.js';
import type { AccessService } from '../access.js';
import type { AuthContext } from '../context.js';
import { FieldErrors, HttpError } from '../errors.js';
import { mapMember, mapSelf, mapUser } from '../mappers/index.js';
import { createHash } from 'node:crypto';
import type { FileStorage } from '../storage.js';
import { decodeDataUri } from './expression-files.js';

/** Discord's avatar limit (10 MiB) and types; GIFs get the `a_` hash prefix (animated). */
const MAX_AVATAR_BYTES = 10 * 1024 * 1024;
const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

/** Where an avatar image is stored: one file per hash, whatever extension the CDN is asked for. */
export const avatarKey = (userId: string, hash: string) => `avatars/${userId}/${hash}`;

export interface ProfilePatch {
  username?: string | undefined;
  global_name?: string | null | undefined;
  bio?: string | undefined;
  /** A `data:image/...;base64,...` URI, or null to remove the avatar. */
  avatar?: string | null | undefined;
}

export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly guilds: GuildRepository,
    private readonly access: AccessService,
    private readonly bus: EventBus,
    private readonly storage?: FileStorage,
  ) {}

  async me(ctx: AuthContext) {
    return mapSelf(await this.row(ctx.userId));
  }

  async get(_ctx: AuthContext, id: string) {
    const user = await this.users.findById(id);
    if (!user) throw new HttpError('UNKNOWN_USER');
    return mapUser(user);
  }

  async update(ctx: AuthContext, patch: ProfilePatch) {
    const current = await this.row(ctx.userId);
    if (patch.username !== undefined && patch.username.toLowerCase() !== current.username.toLowerCase() && !current.bot) {
      const taken = await this.users.emailOrUsernameTaken('', patch.username);
      if (taken.username) throw new FieldErrors().add(['username'], 'USERNAME_ALREADY_TAKEN', 'Username is unavailable.').toError();
    }
    const { avatar, ...fields } = patch;
    const row: Parameters<UserRepository['update']>[1] = { ...fields };
    if (avatar === null) row.avatar = null;
    else if (avatar !== undefined) row.avatar = await this.storeAvatar(ctx.userId, avatar);
    const updated = await this.users.update(ctx.userId, row);
    if (!updated) throw new HttpError('UNKNOWN_USER');
    const self = mapSelf(updated);
    await this.bus.publish({ kind: 'dispatch', t: 'USER_UPDATE', d: self, keys: [userKey(ctx.userId)] });
    // A new name or avatar is seen by the user's guilds, as on Discord: GUILD_MEMBER_UPDATE in each.
    if (patch.username !== undefined || patch.global_name !== undefined || avatar !== undefined) {
      for (const guild of await this.guilds.guildsOfUser(ctx.userId)) {
        const member = await this.guilds.findMember(guild.id, ctx.userId);
        if (member) await this.bus.publish({ kind: 'dispatch', t: 'GUILD_MEMBER_UPDATE', d: { ...mapMember(member), guild_id: guild.id }, keys: [guildKey(guild.id)] });
      }
    }
    return self;
  }

  /** Checks the image (type from its bytes, size), stores it under its hash and returns the hash. */
  private async storeAvatar(userId: string, dataUri: string): Promise<string> {
    const image = decodeDataUri('avatar', dataUri, AVATAR_TYPES, MAX_AVATAR_BYTES);
    if (!this.storage) throw new FieldErrors().add(['avatar'], 'IMAGE_INVALID', 'Avatars cannot be stored on this node.').toError();
    const digest = createHash('sha256').update(image.data).digest('hex').slice(0, 32);
    const hash = image.contentType === 'image/gif' ? `a_${digest}` : digest;
    await this.storage.put(avatarKey(userId, hash), image.data);
    return hash;
  }

  /** `GET /users/@me/guilds`: partial guilds with the caller's permissions. */
  async listGuilds(ctx: AuthContext) {
    const rows = await this.guilds.guildsOfUser(ctx.userId);
    const out = [];
    for (const g of rows) {
      const perms = await this.access.guildPermissions(ctx, g.id);
      out.push({
        id: g.id,
        name: g.name,
        icon: g.icon,
        banner: null,
        owner: g.owner_id === ctx.userId,
        permissions: perms.toString(),
        features: g.features,
      });
    }
    return out;
  }


  private async row(id: string): Promise<UserRow> {
    const user = await this.users.findById(id);
    if (!user) throw new HttpError('UNKNOWN_USER');
    return user;
  }
}
