import { Initial1732400000000 } from './1732400000000-initial.js';
import { Bans1732400000001 } from './1732400000001-bans.js';
import { InvitesReactions1732400000002 } from './1732400000002-invites-reactions.js';
import { Webhooks1732400000003 } from './1732400000003-webhooks.js';
import { Commands1732400000004 } from './1732400000004-commands.js';
import { Attachments1732400000005 } from './1732400000005-attachments.js';
import { AuditLog1732400000006 } from './1732400000006-audit-log.js';
import { ScheduledEvents1732400000007 } from './1732400000007-scheduled-events.js';
import { Expressions1732400000008 } from './1732400000008-expressions.js';
import { GuildExtras1732400000009 } from './1732400000009-guild-extras.js';
import { Threads1732400000010 } from './1732400000010-threads.js';
import { MessageComponents1732400000011 } from './1732400000011-message-components.js';
import { AdminSessions1732400000013 } from './1732400000013-admin-sessions.js';
import { RateLimitWindows1732400000014 } from './1732400000014-rate-limit-windows.js';
import { VoiceChannelOwners1732400000015 } from './1732400000015-voice-channel-owners.js';

/** Every migration, in order. New migrations are appended here. */
export const migrations = [Initial1732400000000, Bans1732400000001, InvitesReactions1732400000002, Webhooks1732400000003, Commands1732400000004, Attachments1732400000005, AuditLog1732400000006, ScheduledEvents1732400000007, Expressions1732400000008, GuildExtras1732400000009, Threads1732400000010, MessageComponents1732400000011, AdminSessions1732400000013, RateLimitWindows1732400000014, VoiceChannelOwners1732400000015];
