import { randomInt } from 'node:crypto';
import type { Database } from '../db/database.js';
import { DmRepository } from '../db/repositories/dms.js';
import { BanRepository } from '../db/repositories/bans.js';
import { GuildRepository } from '../db/repositories/guilds.js';
import { GuildSnapshotRepository } from '../db/repositories/guild-snapshots.js';
import { MessageRepository } from '../db/repositories/messages.js';
import { ReactionRepository } from '../db/repositories/reactions.js';
import { ApplicationRepository, SettingsRepository, UserRepository } from '../db/repositories/users.js';
import type { EventBus } from '../events/bus.js';
import { AuditLogRepository } from '../db/repositories/audit-log.js';
import { AccessService } from './access.js';
import { AuditLogService } from './services/audit-log.js';
import { ChannelAccessCache } from './access-cache.js';
import { SnowflakeGenerator } from './ids/snowflake.js';
import { AdminSetupService } from './services/admin-setup.js';
import { ApplicationService } from './services/applications.js';
import { AuthService } from './services/auth.js';
import { GuildService } from './services/guilds.js';
import { MessageService } from './services/messages.js';
import { AttachmentService } from './services/attachments.js';
import { AttachmentRepository } from '../db/repositories/attachments.js';
import type { FileStorage } from './storage.js';
import { FileCleanup, type FileCleanupErrorHandler } from './services/file-cleanup.js';
import { StoredFileRepository } from '../db/repositories/stored-files.js';
import { createInteractionServices, type InteractionServices } from './services/commands.js';
import { createModerationServices, type ModerationServices } from './services/moderation.js';
import { createExtraServices, type ExtraServices } from './services/extras.js';
import { SessionService } from './services/sessions.js';
import { ThreadService } from './services/threads.js';
import { ThreadRepository } from '../db/repositories/threads.js';
import { createScheduledEventServices, type ScheduledEventServices } from './services/scheduled-events.js';
import { createSocialServices, type SocialServices } from './services/social.js';
import { UserService } from './services/users.js';
import { WebhookService } from './services/webhooks.js';
import { WebhookRepository } from '../db/repositories/webhooks.js';
import { createExpressionServices, type ExpressionServices } from './services/expressions.js';
import { VoiceStateService, type VoiceAvailability } from './services/voice-states.js';
import { createAdminServices, type AdminServices } from './services/admin-moderation.js';
import { PresenceService } from './services/presences.js';
import { IntentPolicy } from './message-content.js';
import { GatewayInfoService } from './services/gateway-info.js';
import type { HearthConfig } from '../config/schema.js';

/** The service graph every surface (REST, gateway, CDN) is given. Built once per node. */
export interface Core extends ModerationServices, SocialServices, InteractionServices, ExtraServices, ExpressionServices, ScheduledEventServices, AdminServices {
  bus: EventBus;
  ids: SnowflakeGenerator;
  auth: AuthService;
  users: UserService;
  applications: ApplicationService;
  guilds: GuildService;
  messages: MessageService;
  threads: ThreadService;
  /** Message files: uploads, their rows, and where the CDN finds them. */
  attachments: AttachmentService;
  sessions: SessionService;
  adminSetup: AdminSetupService;
  /** Permission checks; the gateway uses it to filter channel events per session. */
  access: AccessService;
  webhooks: WebhookService;
  auditLog: AuditLogService;
  /** Who is online (in memory per node) and PRESENCE_UPDATE. */
  presences: PresenceService;
  /** Privileged intents of applications; MESSAGE_CONTENT stripping for REST readers. */
  intentPolicy: IntentPolicy;
  /** `GET /gateway/bot`: recommended shards, session start limit. */
  gatewayInfo: GatewayInfoService;
  /** Voice states (op 4, moderator moves) and the voice tokens the voice gateway checks. */
  voiceStates: VoiceStateService;
  close(): void;
}

export interface CoreDeps {
  db: Database;
  bus: EventBus;
  workerId?: number;
  /** Where uploaded files go; without it uploads fail (500). */
  storage?: FileStorage;
  /** The node's public base URL (attachment URLs); read when a URL is built, as it is known only once the node listens. */
  publicUrl?: () => string;
  /** This node's voice server: its `host:port` for VOICE_SERVER_UPDATE, or why voice is off. */
  voice?: () => VoiceAvailability;
  /** Told about each file of a deleted message, channel or guild that could not be removed from storage. */
  onFileCleanupError?: FileCleanupErrorHandler;
  /** Gateway settings the core needs (privileged intents, `/gateway/bot`); defaults when absent. */
  gateway?: Pick<HearthConfig['gateway'], 'requirePrivilegedIntentFlags' | 'guildsPerRecommendedShard' | 'identifyMaxConcurrency'>;
}

export async function createCore(deps: CoreDeps): Promise<Core> {
  const { db, bus } = deps;
  // Worker bits differ per node start, so nodes sharing a database rarely share an id prefix;
  // leasing worker ids through the database comes with multi-node operation.
  const ids = new SnowflakeGenerator(deps.workerId ?? randomInt(32), process.pid % 32);
  const userRepo = new UserRepository(db);
  const settingsRepo = new SettingsRepository(db);
  const guildRepo = new GuildRepository(db);
  const accessCache = new ChannelAccessCache(bus);
  const dmRepo = new DmRepository(db);
  const access = new AccessService(guildRepo, accessCache, dmRepo);
  const auth = await AuthService.create({ users: userRepo, settings: settingsRepo, bus, ids });
  const auditLog = new AuditLogService(new AuditLogRepository(db), userRepo, access, ids);
  const files = new FileCleanup(new StoredFileRepository(db), deps.storage, deps.onFileCleanupError ?? (() => undefined));
  const guilds = new GuildService(db, guildRepo, access, bus, ids, auditLog, files);
  const attachments = new AttachmentService(new AttachmentRepository(db), deps.storage, ids, deps.publicUrl ?? (() => ''));
  const applications = new ApplicationService(db, new ApplicationRepository(db), userRepo, guildRepo, new BanRepository(db), access, auth, bus, ids, auditLog);
  const expressions = createExpressionServices({ db, bus, ids, access, guildRepo, audit: auditLog, storage: deps.storage });
  const scheduled = createScheduledEventServices({ db, bus, ids, access, guildRepo, userRepo, audit: auditLog });
  const threads = new ThreadService(new ThreadRepository(db), guildRepo, new MessageRepository(db), access, bus, auditLog, ids, files);
  const messages = new MessageService(new MessageRepository(db), guildRepo, userRepo, access, bus, ids, new ReactionRepository(db), attachments, threads, files);
  const voiceStates = new VoiceStateService(guildRepo, access, bus, deps.voice ?? (() => ({ available: false, reason: 'voice is not configured' })));
  const moderation = createModerationServices({ db, guilds: guildRepo, users: userRepo, bus, ids, audit: auditLog });
  return {
    bus,
    ids,
    auth,
    users: new UserService(userRepo, guildRepo, access, bus, deps.storage),
    applications,
    guilds,
    messages,
    threads,
    attachments,
    sessions: new SessionService(userRepo, guildRepo, new GuildSnapshotRepository(db), applications, expressions, scheduled.scheduledEvents, voiceStates),
    access,
    webhooks: new WebhookService(new WebhookRepository(db), messages, access, bus, ids),
    auditLog,
    presences: new PresenceService(bus),
    intentPolicy: new IntentPolicy(deps.gateway?.requirePrivilegedIntentFlags ?? false, async (id) => (await applications.ofBot(id))?.flags, async (id) => (await guildRepo.findChannel(id))?.guild_id),
    gatewayInfo: new GatewayInfoService(guildRepo, { guildsPerRecommendedShard: deps.gateway?.guildsPerRecommendedShard ?? 1000, identifyMaxConcurrency: deps.gateway?.identifyMaxConcurrency ?? 1 }),
    voiceStates,
    adminSetup: new AdminSetupService(userRepo, settingsRepo, auth),
    ...createAdminServices({ db, auth, settings: settingsRepo, guildRepo }),
    ...expressions,
    ...scheduled,
    ...moderation,
    ...createSocialServices({ db, bus, ids, access, guildRepo, userRepo, dmRepo, messages, files }),
    ...createInteractionServices({ db, bus, ids, access, guildRepo, userRepo, messages }),
    ...createExtraServices({ db, bus, ids, access, guildRepo, userRepo, audit: auditLog, members: moderation.members }),
    close: () => {
      voiceStates.close();
      auth.close();
      accessCache.close();
    },
  };
}
