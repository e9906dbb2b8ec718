import { ChannelType, InviteType } from 'discord-api-types/v10';
import type { DmRecipient } from '../../db/repositories/dms.js';
import type { InviteDetails } from '../../db/repositories/invites.js';
import type { EmojiRef, ReactionSummaryRow } from '../../db/repositories/reactions.js';
import { mapUser } from './index.js';

/** The invite object ([docs] resources/invite.mdx), with its metadata. */
export function mapInvite(i: InviteDetails, counts?: { members: number }): Record<string, unknown> {
  const created = new Date(i.created_at);
  const out: Record<string, unknown> = {
    type: InviteType.Guild,
    code: i.code,
    guild: {
      id: i.guild.id,
      name: i.guild.name,
      splash: null,
      banner: null,
      description: i.guild.description,
      icon: i.guild.icon,
      features: i.guild.features,
      verification_level: i.guild.verification_level,
      vanity_url_code: null,
      nsfw_level: 0,
      premium_subscription_count: 0,
    },
    channel: { id: i.channel.id, type: i.channel.type, name: i.channel.name },
    expires_at: i.max_age === 0 ? null : new Date(created.getTime() + i.max_age * 1000).toISOString(),
    max_age: i.max_age,
    max_uses: i.max_uses,
    uses: i.uses,
    temporary: i.temporary,
    created_at: created.toISOString(),
  };
  if (i.inviter) out.inviter = mapUser(i.inviter);
  if (counts) {
    out.approximate_member_count = counts.members;
    out.approximate_presence_count = 0;
  }
  return out;
}

/** INVITE_CREATE's payload ([docs] gateway-events.mdx "Invite Create"). */
export function mapInviteCreate(i: InviteDetails): Record<string, unknown> {
  const invite = mapInvite(i);
  const out: Record<string, unknown> = {
    type: InviteType.Guild,
    channel_id: i.channel_id,
    guild_id: i.guild_id,
    code: i.code,
    created_at: invite.created_at,
    expires_at: invite.expires_at,
    max_age: i.max_age,
    max_uses: i.max_uses,
    temporary: i.temporary,
    uses: i.uses,
  };
  if (invite.inviter) out.inviter = invite.inviter;
  return out;
}

/** The emoji object of reactions: `{id, name}`, `animated` only for custom emojis. */
export function mapReactionEmoji(e: Pick<EmojiRef, 'id' | 'name' | 'animated'>): { id: string | null; name: string; animated?: boolean } {
  return e.id ? { id: e.id, name: e.name, animated: e.animated } : { id: null, name: e.name };
}

/** A message's `reactions` array as one user sees it (`me`). */
export function mapReactions(rows: readonly ReactionSummaryRow[]) {
  return rows.map((r) => ({
    emoji: mapReactionEmoji({ id: r.emoji_id, name: r.emoji_name, animated: r.animated }),
    count: r.count,
    count_details: { burst: 0, normal: r.count },
    burst_colors: [],
    me_burst: false,
    me: r.me,
  }));
}

/** A DM channel as `viewerId` sees it: the other user in `recipients`. */
export function mapDmChannel(channelId: string, recipients: readonly DmRecipient[], lastMessageId: string | null, viewerId: string) {
  const others = recipients.filter((u) => u.id !== viewerId);
  return {
    id: channelId,
    type: ChannelType.DM,
    last_message_id: lastMessageId,
    flags: 0,
    recipients: (others.length ? others : recipients).map(mapUser),
  };
}
