import { AuditLogEvent, PermissionFlagsBits } from 'discord-api-types/v10';
import { generateKeyPairSync } from 'node:crypto';
import type { Database } from '../../db/database.js';
import type { ApplicationRow, UserRow } from '../../db/entities/index.js';
import type { BanRepository } from '../../db/repositories/bans.js';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { ApplicationRepository, UserRepository } from '../../db/repositories/users.js';
import type { EventBus } from '../../events/bus.js';
import { guildKey, userKey } from '../../events/bus.js';
import type { AccessService } from '../access.js';
import type { AuthContext } from '../context.js';
import type { AuditLogService } from './audit-log.js';
import { fieldError, HttpError } from '../errors.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { mapMember, mapRole, mapUser } from '../mappers/index.js';
import { ALL_PERMISSIONS } from '../permissions.js';
import type { AuthService } from './auth.js';

/** The application object of Discord's developer routes. Optional objects are left out, never null. */
export function mapApplication(app: ApplicationRow, owner: UserRow, bot?: UserRow) {
  return {
    id: app.id,
    name: app.name,
    icon: app.icon,
    description: app.description,
    summary: '',
    type: null,
    bot_public: app.bot_public,
    bot_require_code_grant: app.bot_require_code_grant,
    verify_key: app.verify_key,
    flags: Number(app.flags),
    owner: mapUser(owner),
    team: null,
    tags: app.tags ?? [],
    redirect_uris: [],
    interactions_endpoint_url: app.interactions_endpoint_url ?? null,
    ...(app.role_connections_verification_url ? { role_connections_verification_url: app.role_connections_verification_url } : {}),
    ...(app.custom_install_url ? { custom_install_url: app.custom_install_url } : {}),
    ...(bot ? { bot: mapUser(bot) } : {}),
  };
}

/** Rolls back an authorisation whose bot is already in the guild (answered as success). */
class AlreadyMember extends Error {}

export class ApplicationService {
  constructor(
    private readonly db: Database,
    private readonly apps: ApplicationRepository,
    private readonly users: UserRepository,
    private readonly guilds: GuildRepository,
    private readonly bans: BanRepository,
    private readonly access: AccessService,
    private readonly auth: AuthService,
    private readonly bus: EventBus,
    private readonly ids: SnowflakeGenerator,
    private readonly audit: AuditLogService,
  ) {}

  async create(ctx: AuthContext, input: { name: string; description?: string | undefined }) {
    if (ctx.bot) throw new HttpError('BOTS_CANNOT_USE');
    const { publicKey } = generateKeyPairSync('ed25519');
    const verifyKey = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
    const app = await this.apps.insert({ id: this.ids.next(), name: input.name, description: input.description ?? '', owner_id: ctx.userId, verify_key: verifyKey });
    return mapApplication(app, await this.user(ctx.userId));
  }

  async get(ctx: AuthContext, id: string) {
    const app = await this.owned(ctx, id);
    const bot = app.bot_user_id ? await this.users.findById(app.bot_user_id) : undefined;
    return mapApplication(app, await this.user(app.owner_id), bot);
  }

  /** The bot's own application (`/applications/@me`). */
  async getOwn(ctx: AuthContext) {
    if (!ctx.bot) throw new HttpError('ONLY_BOTS');
    const app = await this.apps.findByBotUser(ctx.userId);
    if (!app) throw new HttpError('UNKNOWN_APPLICATION');
    return mapApplication(app, await this.user(app.owner_id), await this.user(ctx.userId));
  }

  /** The application of a bot user, for READY. */
  async ofBot(botUserId: string): Promise<{ id: string; flags: number } | undefined> {
    const app = await this.apps.findByBotUser(botUserId);
    return app ? { id: app.id, flags: Number(app.flags) } : undefined;
  }

  /** Adds a bot user to the application; returns it with its first token. */
  async createBot(ctx: AuthContext, id: string) {
    const app = await this.owned(ctx, id);
    if (app.bot_user_id) throw fieldError(['bot'], 'APPLICATION_ALREADY_HAS_BOT', 'This application already has a bot.');
    const bot = await this.db.transaction(async (tx) => {
      const user = await this.users.insert({ id: this.ids.next(), username: app.name.slice(0, 32), bot: true }, tx);
      await this.apps.setBotUser(app.id, user.id, tx);
      return user;
    });
    return { ...mapUser(bot), token: this.auth.issueToken(bot.id, bot.token_version) };
  }

  async resetBotToken(ctx: AuthContext, id: string): Promise<{ token: string }> {
    const app = await this.owned(ctx, id);
    if (!app.bot_user_id) throw new HttpError('UNKNOWN_USER');
    return { token: await this.auth.resetTokens(app.bot_user_id) };
  }

  /** What the authorize screen shows for `GET /oauth2/authorize`. */
  async describeAuthorize(ctx: AuthContext, clientId: string) {
    const app = await this.apps.findById(clientId);
    if (!app) throw new HttpError('UNKNOWN_APPLICATION');
    const bot = app.bot_user_id ? await this.users.findById(app.bot_user_id) : undefined;
    const guilds = await this.guilds.guildsOfUser(ctx.userId);
    const manageable = [];
    for (const g of guilds) {
      const perms = await this.access.guildPermissions(ctx, g.id);
      if ((perms & PermissionFlagsBits.ManageGuild) !== 0n) manageable.push({ id: g.id, name: g.name, icon: g.icon, permissions: perms.toString() });
    }
    return {
      application: mapApplication(app, await this.user(app.owner_id)),
      ...(bot ? { bot: mapUser(bot) } : {}),
      user: mapUser(await this.user(ctx.userId)),
      guilds: manageable,
      authorized: false,
    };
  }

  /** `POST /oauth2/authorize` with scope=bot: adds the bot to a guild the caller manages. */
  async authorizeBot(ctx: AuthContext, input: { clientId: string; guildId: string; permissions: bigint; authorize: boolean }, publicUrl: string) {
    if (ctx.bot) throw new HttpError('BOTS_CANNOT_USE');
    const app = await this.apps.findById(input.clientId);
    if (!app || !app.bot_user_id) throw new HttpError('UNKNOWN_APPLICATION');
    if (!app.bot_public && app.owner_id !== ctx.userId) throw new HttpError('MISSING_ACCESS');
    await this.access.requireGuildPermission(ctx, input.guildId, PermissionFlagsBits.ManageGuild);
    if (!input.authorize) return { location: `${publicUrl}/oauth2/authorized?error=access_denied` };
    const botId = app.bot_user_id;
    if (await this.bans.isBanned(input.guildId, botId)) throw new HttpError('USER_BANNED_FROM_GUILD');
    const permissions = input.permissions & ALL_PERMISSIONS;
    const joined = await this.db.transaction(async (tx) => {
      const roles: string[] = [];
      let role;
      if (permissions !== 0n) {
        role = await this.guilds.insertRole({ id: this.ids.next(), guild_id: input.guildId, name: app.name.slice(0, 100), permissions: permissions.toString(), managed: true, bot_id: botId }, tx);
        roles.push(role.id);
      }
      const member = await this.guilds.insertMember(input.guildId, botId, roles, tx);
      if (!member) throw new AlreadyMember();
      return { role };
    }).catch((err: unknown) => {
      if (err instanceof AlreadyMember) return undefined;
      throw err;
    });
    if (joined) {
      const guildKeys = [guildKey(input.guildId)];
      if (joined.role) await this.bus.publish({ kind: 'dispatch', t: 'GUILD_ROLE_CREATE', d: { guild_id: input.guildId, role: mapRole(joined.role) }, keys: guildKeys });
      const member = await this.guilds.findMember(input.guildId, botId);
      if (member) await this.bus.publish({ kind: 'dispatch', t: 'GUILD_MEMBER_ADD', d: { ...mapMember(member), guild_id: input.guildId }, keys: guildKeys });
      await this.audit.record(ctx, input.guildId, AuditLogEvent.BotAdd, botId);
      await this.bus.publish({ kind: 'guild-join', guildId: input.guildId, userId: botId, keys: [userKey(botId)] });
    }
    return { location: `${publicUrl}/oauth2/authorized` };
  }

  private async owned(ctx: AuthContext, id: string): Promise<ApplicationRow> {
    const app = await this.apps.findById(id);
    if (!app) throw new HttpError('UNKNOWN_APPLICATION');
    if (app.owner_id !== ctx.userId && app.bot_user_id !== ctx.userId) throw new HttpError('MISSING_ACCESS');
    return app;
  }

  private async user(id: string): Promise<UserRow> {
    const u = await this.users.findById(id);
    if (!u) throw new HttpError('UNKNOWN_USER');
    return u;
  }
}
