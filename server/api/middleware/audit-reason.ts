import type { Request } from 'express';

/**
 * The `X-Audit-Log-Reason` header, which discord.js sends URL-encoded for every `reason` option;
 * undefined when absent. Discord keeps at most 512 characters.
 */
export function auditLogReason(req: Request): string | undefined {
  const raw = req.headers['x-audit-log-reason'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return undefined;
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    // Not valid percent-encoding: keep the header as sent.
  }
  return decoded.slice(0, 512) || undefined;
}
