// The client's REST back end: /api/v10 on this origin. Discord's error shape becomes ApiError;
// a 429 is retried after Retry-After (or X-RateLimit-Reset-After, or the body's retry_after).

export interface FieldErrors {
  [key: string]: FieldErrors | { code: string; message: string }[] | undefined;
  _errors?: { code: string; message: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors: FieldErrors | undefined,
  ) {
    super(message);
  }

  /** The first message under `errors.<a>.<b>._errors`, e.g. `fieldError('username')`. */
  fieldError(...path: string[]): string | undefined {
    let node: unknown = this.errors;
    for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
    return (node as FieldErrors | undefined)?._errors?.[0]?.message;
  }
}

/** Missing Permissions: shown to the user where the action was tried. */
export const MISSING_PERMISSIONS = 50013;
const MAX_RETRIES = 4;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Seconds to wait before retrying a 429, from the headers or the body; capped at a minute. */
export function retryDelayMs(headers: (name: string) => string | null, body: unknown): number {
  const fromBody = (body as { retry_after?: unknown } | null)?.retry_after;
  const seconds = Number(headers('retry-after') ?? headers('x-ratelimit-reset-after') ?? (typeof fromBody === 'number' ? fromBody : 1));
  return Math.min(60_000, Math.max(0, Number.isFinite(seconds) ? seconds * 1000 : 1000));
}

function parseBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return { message: text.slice(0, 200) };
  }
}

function toError(status: number, body: unknown): ApiError {
  const b = (body ?? {}) as { code?: number; message?: string; errors?: FieldErrors };
  return new ApiError(status, typeof b.code === 'number' ? b.code : 0, b.message ?? `Request failed (${status})`, b.errors);
}

export interface UploadFile {
  file: Blob;
  name: string;
}

export class RestClient {
  constructor(
    private readonly getToken: () => string | null,
    private readonly onUnauthorized: () => void = () => undefined,
    readonly base = '/api/v10',
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = {};
      const token = this.getToken();
      if (token) headers.authorization = token;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const parsed = parseBody(await res.text());
      if (res.status === 429 && attempt < MAX_RETRIES) {
        await sleep(retryDelayMs((n) => res.headers.get(n), parsed));
        continue;
      }
      if (res.status === 401 && token) this.onUnauthorized();
      if (!res.ok) throw toError(res.status, parsed);
      return parsed as T;
    }
  }

  /** multipart: payload_json plus files[n], with upload progress (0..1) from XHR. */
  async upload<T>(path: string, payload: unknown, files: UploadFile[], onProgress: (fraction: number) => void): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const form = new FormData();
      form.append('payload_json', JSON.stringify(payload));
      files.forEach((f, i) => form.append(`files[${i}]`, f.file, f.name));
      const { status, body, header } = await new Promise<{ status: number; body: unknown; header: (n: string) => string | null }>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', this.base + path);
        const token = this.getToken();
        if (token) xhr.setRequestHeader('authorization', token);
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) onProgress(e.loaded / e.total);
        };
        xhr.onload = () => {
          resolve({ status: xhr.status, body: parseBody(xhr.responseText), header: (n) => xhr.getResponseHeader(n) });
        };
        xhr.onerror = () => reject(new ApiError(0, 0, 'Network error while uploading', undefined));
        xhr.send(form);
      });
      if (status === 429 && attempt < MAX_RETRIES) {
        await sleep(retryDelayMs(header, body));
        continue;
      }
      if (status < 200 || status >= 300) throw toError(status, body);
      onProgress(1);
      return body as T;
    }
  }
}

/** A readable sentence for any thrown value, with Discord's permission error spelled out. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === MISSING_PERMISSIONS) return 'You do not have permission to do that here.';
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
