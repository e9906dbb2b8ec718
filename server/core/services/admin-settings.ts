import type { SettingsRepository } from '../../db/repositories/users.js';
import { fieldError } from '../errors.js';

const KEY = 'admin_settings';
const VERSION = 1;

export interface ServerSettings {
  server_name: string;
  public_url: string | null;
  lan_only: boolean;
}

interface Stored extends ServerSettings {
  version: number;
}

const DEFAULTS: ServerSettings = { server_name: 'Hearth', public_url: null, lan_only: true };

/** Stored values of older versions are upgraded here when the shape changes. */
function upgrade(stored: Partial<Stored> | undefined): ServerSettings {
  return {
    server_name: typeof stored?.server_name === 'string' ? stored.server_name : DEFAULTS.server_name,
    public_url: typeof stored?.public_url === 'string' ? stored.public_url : null,
    lan_only: typeof stored?.lan_only === 'boolean' ? stored.lan_only : DEFAULTS.lan_only,
  };
}

/** The first-run wizard's settings (server name and how it is reached), versioned in `settings`. */
export class AdminSettingsService {
  constructor(private readonly settings: SettingsRepository) {}

  async get(): Promise<ServerSettings> {
    return upgrade(await this.settings.get<Stored>(KEY));
  }

  async update(patch: Partial<ServerSettings>): Promise<ServerSettings> {
    const next = { ...(await this.get()), ...patch };
    if (next.lan_only) next.public_url = null;
    else if (!next.public_url) throw fieldError(['public_url'], 'BASE_TYPE_REQUIRED', 'Give the public URL, or choose local network only.');
    await this.settings.set(KEY, { ...next, version: VERSION } satisfies Stored);
    return next;
  }
}
