import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { WebSocket } from 'ws';
import type { TestBrowser } from './browser.js';
import { GatewayClient } from './gateway.js';

/** The root of a test node's internal CA, which issued the voice gateway's certificate (what clients trust). */
export function voiceCaPath(dataDir: string): string {
  return join(dataDir, 'tls', 'ca', 'root.crt');
}

/** A raw voice gateway client over TLS, trusting the node's certificate through `ca`. */
export class VoiceWsClient {
  readonly received: { op: number; d: any; seq?: number }[] = [];
  readonly closed: Promise<number>;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()));
      for (const w of [...this.waiters]) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => {
      resolve(code);
      for (const w of [...this.waiters]) w();
    }));
    ws.on('error', () => undefined);
  }

  static async connect(endpoint: string, dataDir: string, version = 8): Promise<VoiceWsClient> {
    const ca = await readFile(voiceCaPath(dataDir));
    const ws = new WebSocket(`wss://${endpoint}?v=${version}`, { ca });
    const client = new VoiceWsClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(op: number, d: unknown): void {
    this.ws.send(JSON.stringify({ op, d }));
  }

  next(op: number, ms = 5_000): Promise<{ op: number; d: any; seq?: number }> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.received.find((p) => p.op === op);
        if (found) {
          done();
          resolve(found);
        } else if (this.ws.readyState === WebSocket.CLOSED) {
          done();
          reject(new Error(`voice socket closed before op ${op}; got ${JSON.stringify(this.received.map((p) => p.op))}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no op ${op} within ${ms} ms; got ${JSON.stringify(this.received.map((p) => p.op))}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  async closeCode(ms = 5_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([this.closed, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('voice socket still open')), ms)))]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.ws.close(1000);
  }
}

/**
 * A user in voice through the main gateway: IDENTIFY on a new raw gateway connection (closed by
 * `defer`), op 4 into `channelId`, and the VOICE_SERVER_UPDATE and own VOICE_STATE_UPDATE that
 * a voice client needs (endpoint, token, session_id).
 */
export async function joinVoiceRaw(base: string, defer: (fn: () => unknown) => void, token: string, userId: string, guildId: string, channelId: string) {
  const gw = await GatewayClient.connect(base);
  defer(() => gw.close());
  await gw.identify(token);
  gw.send({ op: 4, d: { guild_id: guildId, channel_id: channelId, self_mute: false, self_deaf: false } });
  const server = (await gw.dispatch('VOICE_SERVER_UPDATE')).d;
  const state = (await gw.next((p) => p.t === 'VOICE_STATE_UPDATE' && p.d.user_id === userId)).d;
  return { gw, server, state };
}

/**
 * A Chromium page on the node's origin (127.0.0.1 is a secure context, so getUserMedia works)
 * with `script` bundled by esbuild and added to it. Its context ignores certificate errors: the
 * voice port's certificate comes from the node's internal CA, which the throwaway profile does
 * not trust, and Chromium has no per-port exception (WebRTC's DTLS is checked by fingerprint);
 * `{ignoreHTTPSErrors: false}` gives a browser that does not trust it.
 */
export async function voicePage(browser: TestBrowser, defer: (fn: () => unknown) => void, base: string, script: string, errors: string[], options = { ignoreHTTPSErrors: true }): Promise<Page> {
  const bundle = await build({ entryPoints: [script], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'chrome120', logLevel: 'silent' });
  const context = await browser.browser.newContext(options);
  defer(() => context.close());
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  await page.goto(`${base}/api/v10/gateway`);
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  return page;
}
