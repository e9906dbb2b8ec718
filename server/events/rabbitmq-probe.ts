import amqp, { type ChannelModel } from 'amqplib';

export type ProbeResult = { ok: true; server: { product: string; version: string }; ms: number } | { ok: false; error: string };

/** `amqp://user:****@host:port/vhost`: the password never leaves the node. */
export function maskAmqpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:****@');
  }
}

function target(url: string): { where: string; vhost: string } {
  try {
    const u = new URL(url);
    const port = u.port || (u.protocol === 'amqps:' ? '5671' : '5672');
    return { where: `${u.hostname}:${port}`, vhost: decodeURIComponent(u.pathname.slice(1)) || '/' };
  } catch {
    return { where: url, vhost: '/' };
  }
}

/**
 * One human sentence for a failed connection. Socket errors carry a code; amqplib reports the
 * broker's refusal (Connection.Close during the handshake) only as text, so the reply codes
 * 403 ACCESS-REFUSED and the missing ConnectionOpenOk (unknown vhost) are read from it.
 */
export function describeAmqpError(err: unknown, url: string): string {
  const { where, vhost } = target(url);
  const e = err as NodeJS.ErrnoException;
  const message = e instanceof Error ? e.message : String(err);
  switch (e.code) {
    case 'ECONNREFUSED':
      return `Nothing is listening at ${where}: is RabbitMQ running?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The host name ${where.replace(/:\d+$/, '')} cannot be resolved: check the address.`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} cannot be reached from this machine: check the address and the network.`;
    case 'ECONNRESET':
      return `${where} closed the connection: is this a RabbitMQ (AMQP) port?`;
    case 'ETIMEDOUT':
      return `No answer from ${where} in time: is this the RabbitMQ port, and does a firewall let it through?`;
  }
  if (/\b403\b|ACCESS.REFUSED/.test(message)) return 'RabbitMQ refused the user name or password.';
  if (/ConnectionOpenOk/.test(message)) return `RabbitMQ refused the virtual host "${vhost}": it does not exist or this user may not use it.`;
  if (/Expected amqps? |protocol/i.test(message)) return 'The URL must start with amqp:// or amqps://.';
  return `Cannot connect to RabbitMQ at ${where}: ${message}`;
}

class ProbeTimeout extends Error {
  override name = 'ProbeTimeout';
  readonly code = 'ETIMEDOUT';
}

/**
 * A real AMQP connection (handshake and open) within `timeoutMs`. On success the connection is
 * returned open for the caller to keep or close; on failure it is never left behind.
 */
export async function openAmqp(url: string, timeoutMs: number): Promise<{ connection: ChannelModel; ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const attempt = amqp.connect(url, { timeout: timeoutMs });
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const connection = await Promise.race([attempt, timeout]);
    return { connection, ms: Math.round(performance.now() - started) };
  } catch (err) {
    // A handshake that completes after the timeout must not leak its connection.
    attempt.then((late) => late.close()).catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Connects, reads the broker's product and version, disconnects. Never throws. */
export async function probeRabbitMq(url: string, timeoutMs = 5000): Promise<ProbeResult> {
  try {
    const { connection, ms } = await openAmqp(url, timeoutMs);
    const props = connection.connection.serverProperties;
    await connection.close().catch(() => undefined);
    return { ok: true, server: { product: String(props.product ?? 'unknown'), version: String(props.version ?? 'unknown') }, ms };
  } catch (err) {
    return { ok: false, error: describeAmqpError(err, url) };
  }
}
