import acme from 'acme-client';
import type { TlsMaterial } from './certificate.js';
import type { AcmeSettings } from './tls-store.js';

/** Where HTTP-01 answers are published while an order is validated. */
export interface HttpChallengeBoard {
  publish(token: string, keyAuthorization: string): void;
  withdraw(token: string): void;
}

/** The TXT record the admin must create for DNS-01. */
export interface PendingTxt {
  name: string;
  value: string;
}

/** A new RSA account key (PEM), kept by the caller so the ACME account stays the same. */
export async function createAccountKey(): Promise<string> {
  return (await acme.crypto.createPrivateKey()).toString();
}

/**
 * One ACME order for one domain (RFC 8555): account, order, one authorization, its challenge.
 * `begin()` stops where the admin has something to do (DNS-01: the TXT record to create) or
 * nothing to do (HTTP-01: the answer is published on the board); `finish()` asks the CA to
 * validate, waits, finalizes with a fresh key and CSR and downloads the chain.
 */
export class AcmeOrder {
  private constructor(
    private readonly client: acme.Client,
    private readonly order: acme.Order,
    private readonly authz: acme.Authorization,
    private readonly challenge: acme.Authorization['challenges'][number],
    private readonly keyAuthorization: string,
    private readonly settings: AcmeSettings,
    private readonly board: HttpChallengeBoard,
  ) {}

  static async begin(settings: AcmeSettings, accountKeyPem: string, board: HttpChallengeBoard): Promise<AcmeOrder> {
    const client = new acme.Client({ directoryUrl: settings.directoryUrl, accountKey: accountKeyPem, backoffAttempts: 10, backoffMin: 500, backoffMax: 5000 });
    await client.createAccount({ termsOfServiceAgreed: true, contact: [`mailto:${settings.email}`] });
    const order = await client.createOrder({ identifiers: [{ type: 'dns', value: settings.domain }] });
    const [authz] = await client.getAuthorizations(order);
    if (!authz) throw new Error('the ACME server returned an order without an authorization');
    const challenge = authz.challenges.find((c) => c.type === settings.challenge);
    if (!challenge) throw new Error(`the ACME server does not offer the ${settings.challenge} challenge for ${settings.domain}`);
    const keyAuthorization = await client.getChallengeKeyAuthorization(challenge);
    if (settings.challenge === 'http-01') board.publish(challenge.token, keyAuthorization);
    return new AcmeOrder(client, order, authz, challenge, keyAuthorization, settings, board);
  }

  /** For DNS-01: the record to create before `finish()`. */
  get pendingTxt(): PendingTxt | undefined {
    if (this.settings.challenge !== 'dns-01') return undefined;
    return { name: `_acme-challenge.${this.authz.identifier.value}`, value: this.keyAuthorization };
  }

  async finish(): Promise<TlsMaterial> {
    try {
      await this.client.completeChallenge(this.challenge);
      await this.client.waitForValidStatus(this.challenge);
      const [key, csr] = await acme.crypto.createCsr({ commonName: this.settings.domain, altNames: [this.settings.domain] });
      const finalized = await this.client.finalizeOrder(this.order, csr);
      const certPem = await this.client.getCertificate(finalized);
      return { certPem, keyPem: key.toString() };
    } finally {
      this.withdraw();
    }
  }

  /** Removes the HTTP-01 answer (the order is done or abandoned). */
  withdraw(): void {
    if (this.settings.challenge === 'http-01') this.board.withdraw(this.challenge.token);
  }
}
