import { WebhookType, type APIWebhook } from 'discord-api-types/v10';
import type { WebhookWithUser } from '../../db/repositories/webhooks.js';
import { mapUser } from './index.js';

/**
 * Webhook object. `user` (its creator) only for authenticated callers: the token routes answer
 * without it, as Discord does. The token is shown to everyone allowed to see the webhook.
 */
export function mapWebhook(w: WebhookWithUser, options: { withUser: boolean }): APIWebhook {
  const out: APIWebhook = {
    id: w.id,
    type: WebhookType.Incoming,
    guild_id: w.guild_id,
    channel_id: w.channel_id,
    name: w.name,
    avatar: w.avatar,
    token: w.token,
    application_id: w.application_id,
  };
  if (options.withUser && w.user) out.user = mapUser(w.user);
  return out;
}
