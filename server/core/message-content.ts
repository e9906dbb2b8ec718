import { ApplicationFlags, GatewayIntentBits } from 'discord-api-types/v10';
import type { AuthContext } from './context.js';

/** Intents an application must be granted (Discord's "privileged intents"). */
export const PRIVILEGED_INTENTS = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

/** Each privileged intent and the application flags that grant it (the full or the "limited" approval). */
const GRANTS: [intent: number, flags: number][] = [
  [GatewayIntentBits.GuildPresences, ApplicationFlags.GatewayPresence | ApplicationFlags.GatewayPresenceLimited],
  [GatewayIntentBits.GuildMembers, ApplicationFlags.GatewayGuildMembers | ApplicationFlags.GatewayGuildMembersLimited],
  [GatewayIntentBits.MessageContent, ApplicationFlags.GatewayMessageContent | ApplicationFlags.GatewayMessageContentLimited],
];

export function privilegedIntentsOf(appFlags: number): number {
  return GRANTS.reduce((granted, [intent, flags]) => ((appFlags & flags) !== 0 ? granted | intent : granted), 0);
}

interface MessageLike {
  guild_id?: unknown;
  author?: { id?: unknown } | null;
  mentions?: { id?: unknown }[] | null;
}

/**
 * Whether `viewerId` sees a message's content without MESSAGE_CONTENT: its own messages, DMs and
 * messages that mention it (Discord's exceptions).
 */
export function seesContentAnyway(viewerId: string, message: MessageLike): boolean {
  if (typeof message.guild_id !== 'string') return true;
  if (message.author?.id === viewerId) return true;
  return Array.isArray(message.mentions) && message.mentions.some((m) => m?.id === viewerId);
}

/** The message as a bot without MESSAGE_CONTENT receives it: content, embeds, attachments, components and poll empty. */
export function withoutContent<T extends object>(message: T): T {
  const out = { ...message } as Record<string, unknown>;
  if ('content' in out) out.content = '';
  if ('embeds' in out) out.embeds = [];
  if ('attachments' in out) out.attachments = [];
  if ('components' in out) out.components = [];
  delete out.poll;
  return out as T;
}

/**
 * Which privileged intents an application holds. By default every application holds all of them;
 * with `gateway.requirePrivilegedIntentFlags` each needs its flags, as on Discord.
 */
export class IntentPolicy {
  constructor(
    private readonly requireFlags: boolean,
    private readonly appFlagsOfBot: (botUserId: string) => Promise<number | undefined>,
    private readonly guildOfChannel: (channelId: string) => Promise<string | null | undefined>,
  ) {}

  async grantedPrivileged(ctx: AuthContext): Promise<number> {
    if (!this.requireFlags || !ctx.bot) return PRIVILEGED_INTENTS;
    return privilegedIntentsOf((await this.appFlagsOfBot(ctx.userId)) ?? 0);
  }

  /**
   * REST: messages of one channel as the caller may read them. As on Discord, a bot whose
   * application lacks MESSAGE_CONTENT gets them without content (REST messages carry no
   * guild_id, so the channel says whether they are DMs).
   */
  async forReader<T extends MessageLike & { channel_id: string }>(ctx: AuthContext, messages: T[]): Promise<T[]> {
    if (!ctx.bot || !this.requireFlags || messages.length === 0) return messages;
    if (((await this.grantedPrivileged(ctx)) & GatewayIntentBits.MessageContent) !== 0) return messages;
    const guildId = await this.guildOfChannel(messages[0]!.channel_id);
    if (!guildId) return messages;
    return messages.map((m) => (seesContentAnyway(ctx.userId, { ...m, guild_id: guildId }) ? m : withoutContent(m)));
  }
}
