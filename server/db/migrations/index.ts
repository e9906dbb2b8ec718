import { Initial1732400000000 } from './1732400000000-initial.js';

/** Every migration, in order. New migrations are appended here. */
export const migrations = [Initial1732400000000];
