import assert from 'node:assert/strict';
import type { JsonResponse } from './node.js';

export const OWNER = { username: 'owner', email: 'owner@example.test', password: 'correct horse battery', date_of_birth: '1990-01-01' };

/** The one-time token of a node's setup link (`…/admin/setup#token=…`). */
export function setupToken(link: string | undefined): string {
  assert.ok(link, 'a fresh node prints a setup link');
  const m = /\/admin\/setup#token=([A-Za-z0-9_-]+)$/.exec(link);
  assert.ok(m, `link format: ${link}`);
  return m[1]!;
}

/**
 * A dashboard client for tests: keeps the `hearth_admin` cookie like a browser and sends
 * `X-Hearth-Admin: 1` unless told not to, so tests can check each rule on its own.
 */
export class AdminApi {
  cookie: string | undefined;

  constructor(readonly base: string) {}

  async request<T = any>(method: string, path: string, options: { body?: unknown; csrf?: boolean; headers?: Record<string, string>; cookie?: string | null } = {}): Promise<JsonResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.csrf !== false) headers['x-hearth-admin'] = '1';
    const cookie = options.cookie === null ? undefined : (options.cookie ?? this.cookie);
    if (cookie) headers.cookie = cookie;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.base}/admin/api${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie?.startsWith('hearth_admin=')) {
      const pair = setCookie.split(';')[0]!;
      this.cookie = pair === 'hearth_admin=' ? undefined : pair;
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, body: body as T, headers: res.headers };
  }

  /** Creates the owner through the setup link; the session cookie is kept. */
  async setup(link: string | undefined, account = OWNER): Promise<{ token: string; user_id: string }> {
    const res = await this.request('POST', '/setup', { body: { ...account, setup_token: setupToken(link) } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.ok(this.cookie, 'setup sets the session cookie');
    return res.body;
  }

  async login(login: string, password: string): Promise<JsonResponse<any>> {
    return this.request('POST', '/login', { body: { login, password } });
  }
}
