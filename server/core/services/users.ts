import type { UserRow } from '../../db/entities/index.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { UserRepository } from '../../db/repositories/users.js';
import type { EventBus } from '../../events/bus.js';
import { userKey } from '../../events/bus.js';
import type { AccessService } from '../access.js';
import type { AuthContext } from '../context.js';
import { FieldErrors, HttpError } from '../errors.js';
import { mapSelf, mapUser } from '../mappers/index.js';

export interface ProfilePatch {
  username?: string | undefined;
  global_name?: string | null | undefined;
  bio?: string | undefined;
}

export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly guilds: GuildRepository,
    private readonly access: AccessService,
    private readonly bus: EventBus,
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
    const updated = await this.users.update(ctx.userId, patch);
    if (!updated) throw new HttpError('UNKNOWN_USER');
    const self = mapSelf(updated);
    await this.bus.publish({ kind: 'dispatch', t: 'USER_UPDATE', d: self, keys: [userKey(ctx.userId)] });
    return self;
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
