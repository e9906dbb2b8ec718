import { GatewayOpcodes } from 'discord-api-types/v10';
import type { GatewaySession } from '../session.js';
import { heartbeat, identify } from './identify.js';
import { requestGuildMembers } from './members.js';
import { presenceUpdate } from './presence.js';
import { LAZY_GUILD_REQUEST, lazyGuildRequest } from './lazy-guild.js';
import { resume } from './resume.js';
import { voiceStateUpdate } from './voice-state.js';

export type OpcodeHandler = (session: GatewaySession, d: unknown) => Promise<void>;

/** The dispatch table: one handler per client opcode; anything else closes with 4001. */
export const opcodeHandlers: Partial<Record<GatewayOpcodes, OpcodeHandler>> = {
  [GatewayOpcodes.Heartbeat]: heartbeat,
  [GatewayOpcodes.Identify]: identify,
  [GatewayOpcodes.Resume]: resume,
  [GatewayOpcodes.RequestGuildMembers]: requestGuildMembers,
  [GatewayOpcodes.PresenceUpdate]: presenceUpdate,
  [GatewayOpcodes.VoiceStateUpdate]: voiceStateUpdate,
  [LAZY_GUILD_REQUEST as GatewayOpcodes]: lazyGuildRequest,
};
