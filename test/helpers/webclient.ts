// Helpers for the web client's browser tests: register through the UI, read the token the
// page keeps, and a small PNG made here (no fixture files).
import { crc32, deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';

/** Registers through /register (optionally with ?next=) and waits until the page has left it. */
export async function registerInUi(page: Page, base: string, username: string, next?: string): Promise<void> {
  if (!page.url().includes('/register')) await page.goto(`${base}/register${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.getByLabel('Email').fill(`${username}@example.test`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Date of birth').fill('1990-01-01');
  await page.getByLabel(/I agree/).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/register'));
}

/** The token the client stored after login. */
export function tokenOf(page: Page): Promise<string> {
  return page.evaluate<string>(`localStorage.getItem('hearth.token') ?? ''`);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** A width×height RGB PNG with a diagonal gradient. */
export function gradientPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      rows[row + 1 + x * 3] = Math.round((255 * x) / width);
      rows[row + 2 + x * 3] = Math.round((255 * y) / height);
      rows[row + 3 + x * 3] = 200;
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** Opens the client signed in as `token` (the token put where the client keeps it) at `path`. */
export async function openSignedIn(page: Page, base: string, token: string, path: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.evaluate(`localStorage.setItem('hearth.token', ${JSON.stringify(token)})`);
  await page.goto(`${base}${path}`);
}

export interface GatewayProxy {
  /** Frames the page sent, parsed, per connection (index 0 = first socket). */
  sent: { op: number; d: any }[][];
  /** Dispatch names the page received, per connection. */
  received: string[][];
  /** Holds server → page frames until `release()` (a slow link). */
  hold(): void;
  release(): void;
  /** Cuts the current connection on both sides, as a lost network would. */
  cut(): Promise<void>;
  /** Delays the next connection's link to the server until `open` resolves. */
  delayNext(open: Promise<unknown>): void;
}

/** Routes the page's gateway socket through Playwright so a test can watch, delay and cut it. */
export async function proxyGateway(page: Page): Promise<GatewayProxy> {
  const sent: { op: number; d: any }[][] = [];
  const received: string[][] = [];
  let held: string[] | null = null;
  let current: { close(): Promise<void> } | null = null;
  let nextGate: Promise<unknown> | null = null;
  let deliver: (text: string) => void = () => undefined;
  await page.routeWebSocket(/\/gateway/, async (ws) => {
    const index = sent.length;
    sent.push([]);
    received.push([]);
    const gate = nextGate;
    nextGate = null;
    if (gate) await gate;
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      sent[index]!.push(JSON.parse(String(m)));
      server.send(m);
    });
    const toPage = (text: string) => {
      const frame = JSON.parse(text);
      if (frame.op === 0) received[index]!.push(frame.t);
      ws.send(text);
    };
    deliver = toPage;
    server.onMessage((m) => {
      if (held) held.push(String(m));
      else toPage(String(m));
    });
    current = {
      async close() {
        await server.close({ code: 4000, reason: 'test cut' }).catch(() => undefined);
        await ws.close({ code: 4000, reason: 'test cut' }).catch(() => undefined);
      },
    };
  });
  return {
    sent,
    received,
    hold: () => void (held = []),
    release: () => {
      const frames = held ?? [];
      held = null;
      for (const f of frames) deliver(f);
    },
    cut: async () => {
      await current?.close();
    },
    delayNext: (open) => void (nextGate = open),
  };
}
