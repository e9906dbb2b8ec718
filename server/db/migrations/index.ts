import { Initial1732400000000 } from './1732400000000-initial.js';
import { Bans1732400000001 } from './1732400000001-bans.js';
import { InvitesReactions1732400000002 } from './1732400000002-invites-reactions.js';

/** Every migration, in order. New migrations are appended here. */
export const migrations = [Initial1732400000000, Bans1732400000001, InvitesReactions1732400000002];
