// The Spacebar web client driver (test/compat/spacebar-client.test.ts), bundled with esbuild and
// run in chromium on a page of another origin than the node. It makes the calls Fermi makes, in
// its order, with its bodies and headers (../shared/discord/webclient-contract.md sections 2-8).

/** Fermi's flow from a typed instance URL to a message seen on the gateway. Returns what it saw. */
export async function fermiFlow(typedUrl: string): Promise<Record<string, any>> {
  const log: string[] = [];
  const json = async (res: Response) => ({ status: res.status, body: res.status === 204 ? null : await res.json() });
  const u = typedUrl.endsWith('/') ? typedUrl : `${typedUrl}/`;
  // 1. Discovery (section 2).
  const wk = await json(await fetch(`${u}.well-known/spacebar`));
  const api: string = wk.body.api;
  const domainsUrl = new URL(api).pathname.includes('api') ? `${api}/policies/instance/domains` : `${api}api/policies/instance/domains`;
  const domains = await json(await fetch(domainsUrl));
  const A: string = domains.body.apiEndpoint.includes('api') ? domains.body.apiEndpoint : `${domains.body.apiEndpoint}/api`;
  const ping = await json(await fetch(`${A}/ping`));
  const config = await json(await fetch(`${A}/policies/instance/config`));
  const v9 = `${A.replace(/\/v\d+$/, '')}/v9`;
  const headers = (token?: string) => ({ 'Content-type': 'application/json; charset=UTF-8', ...(token ? { Authorization: token } : {}) });
  // 2. Register (the form's body and its non-standard Referrer header), bad forms, login.
  const who = `fermi${Date.now() % 100000}`;
  const email = `${who}@example.test`;
  const badRegister = await json(await fetch(`${A}/auth/register`, { method: 'POST', headers: { ...headers(), Referrer: location.href }, body: JSON.stringify({ email, username: who, password: 'x', date_of_birth: '2000-01-01', consent: true }) }));
  const register = await json(await fetch(`${A}/auth/register`, { method: 'POST', headers: { ...headers(), Referrer: location.href }, body: JSON.stringify({ email, username: who, password: 'correct horse battery', date_of_birth: '2000-01-01', consent: true }) }));
  const taken = await json(await fetch(`${A}/auth/register`, { method: 'POST', headers: { ...headers(), Referrer: location.href }, body: JSON.stringify({ email, username: who, password: 'correct horse battery', date_of_birth: '', consent: true }) }));
  const taken2 = await json(await fetch(`${A}/auth/register`, { method: 'POST', headers: { ...headers(), Referrer: location.href }, body: JSON.stringify({ email, username: who, password: 'correct horse battery', date_of_birth: '2000-01-01', consent: true }) }));
  const badLogin = await json(await fetch(`${A}/auth/login`, { method: 'POST', headers: headers(), body: JSON.stringify({ login: email, password: 'wrong password' }) }));
  const login = await json(await fetch(`${A}/auth/login`, { method: 'POST', headers: headers(), body: JSON.stringify({ login: email, password: 'correct horse battery' }) }));
  const token: string = register.body.token;
  const ping9 = await json(await fetch(`${v9}/ping`));

  // 3. Gateway (section 4): IDENTIFY at open, zlib-stream read Fermi's way.
  const events: any[] = [];
  const waiters: { test: (p: any) => boolean; resolve: (p: any) => void }[] = [];
  const deliver = (p: any) => {
    events.push(p);
    log.push(`in op ${p.op}${p.t ? ` ${p.t}` : ''}`);
    for (const w of [...waiters]) {
      if (w.test(p)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
    }
  };
  const waitFor = (test: (p: any) => boolean, what: string) =>
    new Promise<any>((resolve, reject) => {
      const seen = events.find(test);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; log: ${log.join(', ')}`)), 10_000);
      waiters.push({ test, resolve: (p) => (clearTimeout(timer), resolve(p)) });
    });
  const inflater = new DecompressionStream('deflate');
  const writer = inflater.writable.getWriter();
  const reader = inflater.readable.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let binaryFrames = 0;
  let textFrames = 0;
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
      try {
        const payload = JSON.parse(text);
        text = '';
        deliver(payload);
      } catch {
        // not a whole payload yet
      }
    }
  })();
  let pending: Uint8Array[] = [];
  const ws = new WebSocket(`${domains.body.gateway.replace(/\/$/, '')}?encoding=json&v=9&compress=zlib-stream`);
  ws.binaryType = 'arraybuffer';
  const send = (p: unknown) => {
    log.push(`out op ${(p as { op: number }).op}`);
    ws.send(JSON.stringify(p));
  };
  ws.onmessage = (ev) => {
    if (typeof ev.data === 'string') {
      textFrames++;
      return deliver(JSON.parse(ev.data));
    }
    binaryFrames++;
    const chunk = new Uint8Array(ev.data as ArrayBuffer);
    pending.push(chunk);
    const n = chunk.length;
    if (n >= 4 && chunk[n - 4] === 0 && chunk[n - 3] === 0 && chunk[n - 2] === 0xff && chunk[n - 1] === 0xff) {
      const all = new Uint8Array(pending.reduce((s, c) => s + c.length, 0));
      let at = 0;
      for (const c of pending) {
        all.set(c, at);
        at += c.length;
      }
      pending = [];
      void writer.write(all);
    }
  };
  let closeCode: number | undefined;
  ws.onclose = (ev) => (closeCode = ev.code);
  await new Promise((resolve) => (ws.onopen = resolve));
  send({ op: 2, d: { token, capabilities: 16381, properties: { browser: 'Jank Client', client_build_number: 0, release_channel: 'Custom', browser_user_agent: navigator.userAgent }, compress: true, presence: { status: 'online', since: null, activities: [], afk: false } } });
  const hello = await waitFor((p) => p.op === 10, 'HELLO');
  send({ op: 1, d: null });
  await waitFor((p) => p.op === 11, 'HEARTBEAT_ACK');
  const ready = await waitFor((p) => p.t === 'READY', 'READY');
  const supplemental = await waitFor((p) => p.t === 'READY_SUPPLEMENTAL', 'READY_SUPPLEMENTAL');
  const me: string = ready.d.user.id;

  // 4. Create a guild (section 5): the guild arrives by GUILD_CREATE, then GET member.
  const created = await json(await fetch(`${v9}/guilds`, { method: 'POST', headers: headers(token), body: JSON.stringify({ name: 'LAN Party' }) }));
  const guildCreate = await waitFor((p) => p.t === 'GUILD_CREATE' && p.d.id === created.body.id, 'GUILD_CREATE');
  const guildId: string = guildCreate.d.id;
  const member = await json(await fetch(`${v9}/guilds/${guildId}/members/${me}`, { headers: headers(token) }));
  // 5. Open the first channel (section 6): overwrite PUT as the owner, op 14, history.
  const channel = guildCreate.d.channels.find((c: any) => c.type !== 4);
  const everyone = guildCreate.d.roles.reduce((a: any, b: any) => (b.position < a.position ? b : a));
  const overwrite = await fetch(`${v9}/channels/${channel.id}/permissions/${everyone.id}`, { method: 'PUT', headers: headers(token), body: JSON.stringify({ allow: '0', deny: '0', id: everyone.id, type: 0 }) });
  send({ op: 14, d: { guild_id: guildId, channels: { [channel.id]: [[0, 99]] } } });
  const memberList = await waitFor((p) => p.t === 'GUILD_MEMBER_LIST_UPDATE', 'GUILD_MEMBER_LIST_UPDATE');
  const emptyHistory = await json(await fetch(`${v9}/channels/${channel.id}/messages?limit=100`, { headers: headers(token) }));
  // 6. Send (section 7): typing, then XHR with a numeric nonce; the dispatch carries the same id.
  const typing = await fetch(`${v9}/channels/${channel.id}/typing`, { method: 'POST', headers: headers(token) });
  const post = (content: string, nonce: number) =>
    new Promise<{ status: number; body: any }>((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${v9}/channels/${channel.id}/messages`);
      xhr.setRequestHeader('Content-type', 'application/json; charset=UTF-8');
      xhr.setRequestHeader('Authorization', token);
      xhr.onload = () => resolve({ status: xhr.status, body: JSON.parse(xhr.responseText) });
      xhr.send(JSON.stringify({ content, nonce, sticker_ids: [] }));
    });
  const sent1 = await post('hello from the LAN', 123456789);
  const create1 = await waitFor((p) => p.t === 'MESSAGE_CREATE' && p.d.id === sent1.body.id, 'MESSAGE_CREATE 1');
  const sent2 = await post('second', 987654321);
  await waitFor((p) => p.t === 'MESSAGE_CREATE' && p.d.id === sent2.body.id, 'MESSAGE_CREATE 2');
  const history = await json(await fetch(`${v9}/channels/${channel.id}/messages?limit=100`, { headers: headers(token) }));
  const older = await json(await fetch(`${v9}/channels/${channel.id}/messages?before=${sent1.body.id}&limit=100`, { headers: headers(token) }));
  const ack = await fetch(`${v9}/channels/${channel.id}/messages/${sent2.body.id}/ack`, { method: 'POST', headers: headers(token), body: '{}' });
  // Op 8 by user ids (member look-ups for authors) answers with the same nonce.
  send({ op: 8, d: { guild_id: guildId, user_ids: [me], limit: 100, nonce: '42', presences: true } });
  const chunk = await waitFor((p) => p.t === 'GUILD_MEMBERS_CHUNK' && p.d.nonce === '42', 'GUILD_MEMBERS_CHUNK');
  // 7. CDN default avatar, as an image element would load it (and as fetch with CORS).
  const avatarIndex = Number((BigInt(me) >> 22n) % 6n);
  const avatar = await fetch(`${domains.body.cdn}/embed/avatars/${avatarIndex}.png`);
  const avatarBytes = (await avatar.arrayBuffer()).byteLength;
  // The admin API has no CORS: the browser refuses to hand its answer to this origin.
  const adminBlocked = await fetch(`${new URL(A).origin}/admin/api/overview`, { headers: { Authorization: token } }).then(
    () => false,
    () => true,
  );
  ws.close(1000);
  // A bad token: 4004, after which Fermi stops.
  const bad = new WebSocket(`${domains.body.gateway}?encoding=json&v=9&compress=zlib-stream`);
  const badCode = await new Promise<number>((resolve) => {
    bad.onopen = () => bad.send(JSON.stringify({ op: 2, d: { token: 'not-a-token', capabilities: 16381, properties: {}, compress: true } }));
    bad.onclose = (ev) => resolve(ev.code);
  });
  return {
    wk: wk.body, domains: domains.body, ping, ping9: ping9.body, config, badRegister, register, taken, taken2, badLogin, login, hello: hello.d,
    ready: ready.d, supplemental: supplemental.d, firstFrame: log[0], created, guildCreate: guildCreate.d, member, overwriteStatus: overwrite.status,
    memberList: memberList.d, emptyHistory: emptyHistory.body, typingStatus: typing.status, sent1, create1: create1.d, sent2, history: history.body,
    older: older.body, ackStatus: ack.status, chunk: chunk.d, avatarStatus: avatar.status, avatarType: avatar.headers.get('content-type'), avatarBytes,
    adminBlocked, badCode, binaryFrames, textFrames, closeCode, log,
  };
}


(globalThis as unknown as { fermiFlow: typeof fermiFlow }).fermiFlow = fermiFlow;
