import { HttpError, InvalidStateError } from '../errors.js';
import { AcmeOrder, createAccountKey, type PendingTxt } from './acme.js';
import { describeCertificate, renewalTime, validateUploaded, type CertificateInfo, type TlsMaterial } from './certificate.js';
import { InternalCa } from './internal-ca.js';
import type { AcmeSettings, TlsMode, TlsState, TlsStore } from './tls-store.js';

export type AcmeState = 'idle' | 'ordering' | 'pending-dns' | 'validating' | 'valid' | 'error';

export interface AcmeStatus extends AcmeSettings {
  state: AcmeState;
  pendingTxt?: PendingTxt;
  lastError?: string;
}

export interface TlsStatus {
  mode: TlsMode;
  certificate: CertificateInfo | null;
  /** When the active certificate is renewed (internal CA and ACME only). */
  renewsAt: Date | null;
  acme: AcmeStatus | null;
  internalCa: { subject: string; notAfter: Date; fingerprintSha256: string } | null;
}

export interface TlsServiceDeps {
  store: TlsStore;
  /** Installs the material on the HTTPS listener; `null` turns HTTPS off. */
  apply(material: TlsMaterial | null): Promise<void>;
  /** The names the internal CA always puts in its leaf (LAN addresses, localhost, host name…). */
  lanNames(): string[];
  /** Background failures (renewals). */
  onError(err: unknown, what: string): void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const RETRY_MS = 60 * 60 * 1000;

/**
 * The node's TLS mode and certificate: off (LAN HTTP only), the internal CA, ACME (HTTP-01
 * answered by this node, or DNS-01 with a TXT record the admin creates) or an uploaded
 * certificate. Changes are serialised, persisted by the store and handed to `apply` (the
 * listeners swap their secure context; the database is untouched). Certificates the node
 * issues or orders itself are renewed at two thirds of their lifetime by a timer it owns.
 */
export class TlsService {
  private state: TlsState = { mode: 'off', names: [], acme: null };
  private active: TlsMaterial | null = null;
  private acmeRuntime: { state: AcmeState; order?: AcmeOrder; pendingTxt?: PendingTxt; lastError?: string } = { state: 'idle' };
  private readonly httpAnswers = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(private readonly deps: TlsServiceDeps) {}

  /** Loads the kept mode and certificate; re-issues an internal-CA leaf that is missing, due or lacks a current LAN name. */
  static async open(deps: TlsServiceDeps): Promise<TlsService> {
    const service = new TlsService(deps);
    service.state = await deps.store.readState();
    const material = service.state.mode === 'off' ? undefined : await deps.store.readMaterial();
    if (service.state.mode === 'internal-ca') {
      const wanted = service.internalNames();
      const info = material && describeCertificate(material.certPem);
      const fresh = info && renewalTime(info) > new Date() && wanted.every((n) => info.names.includes(n));
      if (fresh) service.active = material;
      else {
        service.active = await service.issueInternal(wanted);
        await deps.store.writeMaterial(service.active);
      }
    } else if (service.state.mode !== 'off') {
      if (material) service.active = material;
      else {
        deps.onError(new Error(`TLS mode ${service.state.mode} has no certificate on disk`), 'tls');
        service.state = { ...service.state, mode: 'off' };
      }
    }
    if (service.state.acme && service.state.mode === 'acme') service.acmeRuntime = { state: 'valid' };
    service.scheduleRenewal();
    return service;
  }

  get mode(): TlsMode {
    return this.state.mode;
  }

  /** The certificate the HTTPS listener uses, or null in mode off. */
  get material(): TlsMaterial | null {
    return this.active;
  }

  /** The ACME domain when ACME is the active mode (it becomes the public host). */
  get acmeDomain(): string | undefined {
    return this.state.mode === 'acme' ? this.state.acme?.domain : undefined;
  }

  async status(): Promise<TlsStatus> {
    const certificate = this.active ? describeCertificate(this.active.certPem) : null;
    const rootPem = await this.deps.store.readRootPem();
    const rootInfo = rootPem ? describeCertificate(rootPem) : null;
    const root = rootInfo ? { subject: rootInfo.subject, notAfter: rootInfo.notAfter, fingerprintSha256: rootInfo.fingerprintSha256 } : null;
    const { state, pendingTxt, lastError } = this.acmeRuntime;
    return {
      mode: this.state.mode,
      certificate,
      renewsAt: certificate && (this.state.mode === 'internal-ca' || this.state.mode === 'acme') ? renewalTime(certificate) : null,
      acme: this.state.acme ? { ...this.state.acme, state, ...(pendingTxt ? { pendingTxt } : {}), ...(lastError ? { lastError } : {}) } : null,
      internalCa: root,
    };
  }

  /** The internal CA's root (PEM), or undefined when none was ever created. */
  rootPem(): Promise<string | undefined> {
    return this.deps.store.readRootPem();
  }

  /** The HTTP-01 key authorization for `token` while an order waits for validation. */
  httpChallengeAnswer(token: string): string | undefined {
    return this.httpAnswers.get(token);
  }

  setOff(): Promise<TlsStatus> {
    return this.serialised(async () => {
      this.abandonOrder();
      await this.install({ ...this.state, mode: 'off' }, null);
    });
  }

  /** Switches to the internal CA: a leaf for the LAN names plus `names`. */
  setInternalCa(names: string[] = []): Promise<TlsStatus> {
    return this.serialised(async () => {
      this.abandonOrder();
      const state: TlsState = { ...this.state, mode: 'internal-ca', names: [...new Set(names.map((n) => n.toLowerCase()))] };
      this.state = { ...this.state, names: state.names };
      await this.install(state, await this.issueInternal(this.internalNames()));
    });
  }

  /** Validates (50035 on any problem) and switches to an uploaded certificate. */
  setUploaded(input: { certPem: string; keyPem: string; chainPem?: string | undefined }): Promise<TlsStatus> {
    return this.serialised(async () => {
      const { certPem, keyPem } = validateUploaded(input);
      this.abandonOrder();
      await this.install({ ...this.state, mode: 'uploaded' }, { certPem, keyPem });
    });
  }

  /**
   * Starts an ACME order. HTTP-01 runs to the end (the node answers the challenge itself); DNS-01
   * stops at `pending-dns` with the TXT record to create, and `continueAcme()` finishes it.
   */
  startAcme(settings: AcmeSettings): Promise<TlsStatus> {
    return this.serialised(async () => {
      this.abandonOrder();
      this.state = { ...this.state, acme: settings };
      await this.deps.store.writeState(this.state);
      await this.runOrder(settings);
    });
  }

  continueAcme(): Promise<TlsStatus> {
    return this.serialised(async () => {
      if (this.acmeRuntime.state !== 'pending-dns' || !this.acmeRuntime.order) {
        throw new HttpError('ACME_NO_PENDING_ORDER');
      }
      await this.finishOrder(this.acmeRuntime.order);
    });
  }

  /** Stops the renewal timer and forgets a pending order. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.abandonOrder();
  }

  private async runOrder(settings: AcmeSettings): Promise<void> {
    this.acmeRuntime = { state: 'ordering' };
    let order: AcmeOrder;
    try {
      order = await AcmeOrder.begin(settings, await this.accountKey(), {
        publish: (token, answer) => void this.httpAnswers.set(token, answer),
        withdraw: (token) => void this.httpAnswers.delete(token),
      });
    } catch (err) {
      this.failOrder(err);
    }
    if (order.pendingTxt) {
      this.acmeRuntime = { state: 'pending-dns', order, pendingTxt: order.pendingTxt };
      return;
    }
    await this.finishOrder(order);
  }

  private async finishOrder(order: AcmeOrder): Promise<void> {
    this.acmeRuntime = { ...this.acmeRuntime, state: 'validating' };
    let material: TlsMaterial;
    try {
      material = await order.finish();
    } catch (err) {
      this.acmeRuntime = { ...this.acmeRuntime, order: undefined };
      this.failOrder(err);
    }
    this.acmeRuntime = { state: 'valid' };
    await this.install({ ...this.state, mode: 'acme' }, material);
  }

  private failOrder(err: unknown): never {
    const message = err instanceof Error ? err.message : String(err);
    this.acmeRuntime = { state: 'error', lastError: message };
    throw new HttpError('ACME_FAILED', { message: `ACME order failed: ${message}` });
  }

  private abandonOrder(): void {
    this.acmeRuntime.order?.withdraw();
    if (this.acmeRuntime.state !== 'valid' || this.state.mode !== 'acme') this.acmeRuntime = { state: 'idle' };
  }

  private async accountKey(): Promise<string> {
    const kept = await this.deps.store.readAcmeAccountKey();
    if (kept) return kept;
    const key = await createAccountKey();
    await this.deps.store.writeAcmeAccountKey(key);
    return key;
  }

  private internalNames(): string[] {
    return [...new Set([...this.deps.lanNames(), ...this.state.names])];
  }

  private async issueInternal(names: string[]): Promise<TlsMaterial> {
    const ca = await InternalCa.loadOrCreate(this.deps.store.caDir);
    const { certPem, keyPem } = ca.issue(names);
    return { certPem, keyPem };
  }

  /**
   * Persists first, then swaps the listener: a crash in between restarts in the new mode. When
   * the listener cannot take it (the HTTPS port is taken), the previous mode is restored.
   */
  private async install(state: TlsState, material: TlsMaterial | null): Promise<void> {
    const previous = { state: this.state, material: this.active };
    await this.persist(state, material);
    try {
      await this.deps.apply(material);
    } catch (err) {
      await this.persist(previous.state, previous.material);
      throw new HttpError('TLS_APPLY_FAILED', { message: `HTTPS cannot start: ${err instanceof Error ? err.message : String(err)}` });
    }
    this.scheduleRenewal();
  }

  private async persist(state: TlsState, material: TlsMaterial | null): Promise<void> {
    if (material) await this.deps.store.writeMaterial(material);
    else await this.deps.store.removeMaterial();
    await this.deps.store.writeState(state);
    this.state = state;
    this.active = material;
  }

  private serialised(fn: () => Promise<void>): Promise<TlsStatus> {
    if (this.closed) return Promise.reject(new InvalidStateError('TLS service closed'));
    const run = this.queue.then(fn).then(() => this.status());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private scheduleRenewal(at?: Date): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || !this.active || (this.state.mode !== 'internal-ca' && this.state.mode !== 'acme')) return;
    const due = at ?? renewalTime(describeCertificate(this.active.certPem));
    const delay = Math.max(0, due.getTime() - Date.now());
    this.timer = setTimeout(() => (Date.now() < due.getTime() ? this.scheduleRenewal(due) : void this.renew()), Math.min(delay, MAX_TIMER_MS));
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    const mode = this.state.mode;
    try {
      if (mode === 'internal-ca') await this.setInternalCa(this.state.names);
      else if (mode === 'acme' && this.state.acme) {
        // DNS-01 renewals stop at pending-dns: the admin publishes the new TXT value and continues.
        await this.serialised(() => this.runOrder(this.state.acme!));
      }
    } catch (err) {
      this.deps.onError(err, `TLS renewal (${mode})`);
      this.scheduleRenewal(new Date(Date.now() + RETRY_MS));
    }
  }
}

/**
 * The URL clients are told to use in each mode: in a TLS mode the https origin on the HTTPS
 * port (the ACME domain as host in ACME mode); in mode off the configured or derived HTTP URL.
 */
export function publicUrlFor(mode: TlsMode, httpPublicUrl: string, httpsPort: number | undefined, acmeDomain?: string): string {
  if (mode === 'off' || httpsPort === undefined) return httpPublicUrl;
  const url = new URL(httpPublicUrl);
  const host = acmeDomain ?? url.hostname;
  const port = httpsPort === 443 ? '' : `:${httpsPort}`;
  return `https://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}${port}`;
}
