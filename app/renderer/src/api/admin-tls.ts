// Typed calls of the TLS and RabbitMQ admin routes (admin contract, "Owned by H5"), over the
// same AdminClient (session cookie + X-Hearth-Admin header).
import type { AdminClient } from './admin';

export type TlsMode = 'off' | 'internal-ca' | 'acme' | 'uploaded';
export type AcmeChallenge = 'http-01' | 'dns-01';

export interface CertificateView {
  subject: string;
  issuer: string;
  names: string[];
  not_before: string;
  not_after: string;
  fingerprint_sha256: string;
  renews_at: string | null;
}

export interface AcmeView {
  domain: string;
  email: string;
  directory_url: string;
  challenge: AcmeChallenge;
  state: 'idle' | 'ordering' | 'pending-dns' | 'validating' | 'valid' | 'error';
  pending_txt?: { name: string; value: string };
  last_error?: string;
  renews_at?: string;
}

export interface TlsView {
  mode: TlsMode;
  public_url: string;
  http_port: number;
  https_port: number | null;
  certificate: CertificateView | null;
  acme: AcmeView | null;
  internal_ca: { subject: string; not_after: string; fingerprint_sha256: string } | null;
}

export type TlsChange = { mode: 'off' } | { mode: 'internal-ca'; names?: string[] } | { mode: 'uploaded'; cert_pem: string; key_pem: string; chain_pem?: string };

export interface RabbitMqView {
  url: string;
  enabled: boolean;
  status: 'disabled' | 'connecting' | 'connected' | 'error';
  error?: string;
  /** The transport the node's event bus uses now. */
  bus: 'in-process' | 'rabbitmq';
}

export type RabbitMqTest = { ok: true; server: { product: string; version: string }; ms: number } | { ok: false; error: string };

export function tlsApi(client: AdminClient) {
  return {
    status: () => client.request<TlsView>('GET', '/tls'),
    apply: (change: TlsChange) => client.request<TlsView>('PUT', '/tls', change),
    startAcme: (input: { domain: string; email: string; directory_url: string; challenge: AcmeChallenge }) => client.request<TlsView>('POST', '/tls/acme', input),
    continueAcme: () => client.request<TlsView>('POST', '/tls/acme/continue'),
    /** The public download of the internal CA's root (no auth needed). */
    rootUrl: () => `${client.base}/hearth-ca.crt`,
  };
}

export function rabbitMqApi(client: AdminClient) {
  return {
    status: () => client.request<RabbitMqView>('GET', '/rabbitmq'),
    save: (input: { url: string; enabled: boolean }) => client.request<RabbitMqView>('PUT', '/rabbitmq', input),
    test: (url: string) => client.request<RabbitMqTest>('POST', '/rabbitmq/test', { url }),
  };
}
