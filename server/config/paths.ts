import { homedir, platform } from 'node:os';
import { join } from 'node:path';

/**
 * The per-user data directory: XDG on Linux, Application Support on macOS, APPDATA on Windows.
 * Root gets /var/lib/hearth: the embedded PostgreSQL runs as an unprivileged user that cannot
 * enter /root.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (platform() === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Hearth');
  if (platform() === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Hearth');
  if (process.getuid?.() === 0) return '/var/lib/hearth';
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'hearth');
}
