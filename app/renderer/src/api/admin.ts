// Typed client of the node's admin API (/admin/api, docs: /work/briefs/admin-contract.md).
// Session cookie + the `X-Hearth-Admin: 1` header on every request (the server requires it on
// state-changing ones: a custom header cannot be sent cross-site without a CORS preflight).

export type ServiceName = 'database' | 'api' | 'gateway' | 'cdn' | 'voice';
export type ServiceState = 'starting' | 'running' | 'stopped' | 'failed' | 'disabled';
export type ServiceAction = 'start' | 'stop' | 'restart';

export interface ServiceStatus {
  name: ServiceName;
  state: ServiceState;
  since: string;
  uptime_ms: number;
  detail?: string;
  error?: string;
  progress?: string;
  /** Which actions make sense now (the database can only be restarted, a disabled service none). */
  actions: ServiceAction[];
}

export interface Overview {
  services: ServiceStatus[];
  counts: { sessions: number; guilds: number; users: number };
  version: string;
}

export interface AdminUser {
  id: string;
  username: string;
}

export interface Settings {
  server_name: string;
  public_url: string | null;
  lan_only: boolean;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LogEntry {
  seq: number;
  time: number;
  level: LogLevel;
  service: string;
  msg: string;
  /** Other fields of the pino line (err, ids, …). */
  extra?: Record<string, unknown>;
}

export interface GuildSummary {
  id: string;
  name: string;
  icon: string | null;
  owner_id: string;
  member_count: number;
}

export interface Role {
  id: string;
  name: string;
  color: number;
  position: number;
  managed: boolean;
}

export interface Guild {
  id: string;
  name: string;
  owner_id: string;
  roles: Role[];
  approximate_member_count?: number;
}

export interface User {
  id: string;
  username: string;
  global_name: string | null;
  bot?: boolean;
}

export interface Member {
  user: User;
  nick?: string | null;
  roles: string[];
  joined_at: string;
  communication_disabled_until?: string | null;
}

export interface Ban {
  user: User;
  reason: string | null;
}

export interface Channel {
  id: string;
  type: number;
  name?: string;
  parent_id?: string | null;
  position?: number;
}

export interface Message {
  id: string;
  channel_id: string;
  author: User;
  content: string;
  timestamp: string;
  attachments: { id: string; filename: string }[];
  embeds: unknown[];
}

export interface AuditLogEntry {
  id: string;
  user_id: string | null;
  target_id: string | null;
  action_type: number;
  reason?: string;
  changes?: { key: string; old_value?: unknown; new_value?: unknown }[];
}

export interface AuditLog {
  audit_log_entries: AuditLogEntry[];
  users: User[];
}

/** Discord's error shape, as the server sends it. */
export interface ErrorBody {
  code: number;
  message: string;
  errors?: ErrorTree;
}
interface ErrorTree {
  _errors?: { code: string; message: string }[];
  [key: string]: ErrorTree | { code: string; message: string }[] | undefined;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message || `HTTP ${status}`);
  }

  /** The first message for a field (`['login']`, `['email']`), as Discord nests them. */
  field(path: readonly string[]): string | undefined {
    let node: ErrorTree | undefined = this.body.errors;
    for (const key of path) node = node?.[key] as ErrorTree | undefined;
    return node?._errors?.[0]?.message;
  }

  /** Every field message, flattened: for forms that show errors per field. */
  fields(): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (node: ErrorTree | undefined, path: string[]) => {
      if (!node) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === '_errors' && Array.isArray(value) && value[0]) out[path.join('.')] ??= value[0].message;
        else if (value && !Array.isArray(value)) walk(value, [...path, key]);
      }
    };
    walk(this.body.errors, []);
    return out;
  }
}

type Query = Record<string, string | number | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** The admin REST client. `base` is the node's origin ('' when the dashboard is served by the node). */
export class AdminClient {
  constructor(readonly base = '') {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'X-Hearth-Admin': '1', accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.base}/admin/api${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const err = (parsed as ErrorBody | undefined) ?? { code: 0, message: `HTTP ${res.status}` };
      throw new ApiError(res.status, typeof err.message === 'string' ? err : { code: 0, message: `HTTP ${res.status}` });
    }
    return parsed as T;
  }

  // Session and first run
  setupStatus = () => this.request<{ needs_setup: boolean }>('GET', '/setup');
  setup = (input: { setup_token: string; username: string; email: string; password: string; date_of_birth: string }) =>
    this.request<{ user: AdminUser }>('POST', '/setup', input);
  login = (login: string, password: string) => this.request<{ user: AdminUser }>('POST', '/login', { login, password });
  logout = () => this.request<void>('POST', '/logout');
  session = () => this.request<{ user: AdminUser }>('GET', '/session');
  settings = () => this.request<Settings>('GET', '/settings');
  updateSettings = (patch: Partial<Settings>) => this.request<Settings>('PATCH', '/settings', patch);

  // Overview and services
  overview = () => this.request<Overview>('GET', '/overview');
  serviceAction = (name: ServiceName, action: ServiceAction) => this.request<ServiceStatus>('POST', `/services/${name}/${action}`);

  // Logs
  logs = (q: { level?: string; service?: string; limit?: number }) => this.request<LogEntry[]>('GET', withQuery('/logs', q));
  logStreamUrl = (q: { level?: string; service?: string }) => `${this.base}/admin/api${withQuery('/logs/stream', q)}`;

  // Moderation
  guilds = () => this.request<GuildSummary[]>('GET', '/guilds');
  guild = (id: string) => this.request<Guild>('GET', `/guilds/${id}`);
  members = (guildId: string, q: { query?: string; limit?: number }) => this.request<Member[]>('GET', withQuery(`/guilds/${guildId}/members`, q));
  kick = (guildId: string, userId: string, reason?: string) => this.request<void>('POST', `/guilds/${guildId}/members/${userId}/kick`, { reason });
  ban = (guildId: string, userId: string, body: { reason?: string; delete_message_seconds?: number }) => this.request<void>('PUT', `/guilds/${guildId}/bans/${userId}`, body);
  unban = (guildId: string, userId: string) => this.request<void>('DELETE', `/guilds/${guildId}/bans/${userId}`);
  bans = (guildId: string) => this.request<Ban[]>('GET', `/guilds/${guildId}/bans`);
  updateMember = (guildId: string, userId: string, patch: { communication_disabled_until?: string | null; roles?: string[] }) =>
    this.request<Member>('PATCH', `/guilds/${guildId}/members/${userId}`, patch);
  channels = (guildId: string) => this.request<Channel[]>('GET', `/guilds/${guildId}/channels`);
  messages = (channelId: string, q: { before?: string; limit?: number }) => this.request<Message[]>('GET', withQuery(`/channels/${channelId}/messages`, q));
  deleteMessage = (channelId: string, messageId: string) => this.request<void>('DELETE', `/channels/${channelId}/messages/${messageId}`);
  auditLog = (guildId: string) => this.request<AuditLog>('GET', `/guilds/${guildId}/audit-logs`);
}
