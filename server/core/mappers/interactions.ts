import type { APIUser } from 'discord-api-types/v10';
import type { CommandRow } from '../../db/repositories/commands.js';
import type { InteractionRow } from '../../db/repositories/interactions.js';

/** An application command object. `guild_id` only for guild commands, `dm_permission` only for global ones. */
export function mapCommand(c: CommandRow): Record<string, unknown> {
  return {
    id: c.id,
    application_id: c.application_id,
    version: c.version,
    type: c.type,
    name: c.name,
    description: c.description,
    options: c.options,
    default_member_permissions: c.default_member_permissions,
    ...(c.guild_id ? { guild_id: c.guild_id } : { dm_permission: c.contexts === null || c.contexts.includes(1) }),
    contexts: c.contexts,
    integration_types: c.integration_types,
    nsfw: c.nsfw,
  };
}

/**
 * The interaction a message answers, stored with the message: Discord shows such a message as the
 * application's webhook with `interaction_metadata` (and the deprecated `interaction`, see mapMessage).
 * `followUp`: the message is not the first response, which is then named.
 */
export function interactionOrigin(i: InteractionRow, user: APIUser, followUp = false): { applicationId: string; metadata: Record<string, unknown> } {
  const data = i.data as { name?: string; type?: number };
  const owners = i.guild_id ? { '0': i.guild_id } : { '1': i.user_id };
  return {
    applicationId: i.application_id,
    metadata: {
      id: i.id,
      type: i.type,
      user,
      authorizing_integration_owners: owners,
      ...(i.type !== 3 && data.name !== undefined ? { name: data.name, command_type: data.type ?? 1 } : {}),
      ...(i.type === 3 && i.message_id ? { interacted_message_id: i.message_id } : {}),
      ...(followUp && i.original_message_id ? { original_response_message_id: i.original_message_id } : {}),
    },
  };
}

/** The `interaction` half of a callback response with `with_response=true`. */
export function mapCallbackInteraction(i: InteractionRow, message: { id: string; flags?: number } | undefined): Record<string, unknown> {
  return {
    id: i.id,
    type: i.type,
    activity_instance_id: null,
    response_message_id: message?.id ?? null,
    response_message_loading: message ? ((message.flags ?? 0) & 128) !== 0 : false,
    response_message_ephemeral: message ? ((message.flags ?? 0) & 64) !== 0 : false,
  };
}
