import type { CertificateInfo } from '../tls/certificate.js';
import type { TlsStatus } from '../tls/tls-service.js';

const mapCertificate = (c: CertificateInfo) => ({
  subject: c.subject,
  issuer: c.issuer,
  names: c.names,
  not_before: c.notBefore.toISOString(),
  not_after: c.notAfter.toISOString(),
  fingerprint_sha256: c.fingerprintSha256,
});

/** `GET /admin/api/tls` (admin contract): the status plus where the node listens. */
export function mapTlsStatus(status: TlsStatus, endpoints: { publicUrl: string; httpPort: number; httpsPort: number | undefined }) {
  const { acme, internalCa } = status;
  return {
    mode: status.mode,
    public_url: endpoints.publicUrl,
    http_port: endpoints.httpPort,
    https_port: endpoints.httpsPort ?? null,
    certificate: status.certificate ? { ...mapCertificate(status.certificate), renews_at: status.renewsAt?.toISOString() ?? null } : null,
    acme: acme
      ? {
          domain: acme.domain,
          email: acme.email,
          directory_url: acme.directoryUrl,
          challenge: acme.challenge,
          state: acme.state,
          ...(acme.pendingTxt ? { pending_txt: acme.pendingTxt } : {}),
          ...(acme.lastError ? { last_error: acme.lastError } : {}),
          ...(status.mode === 'acme' && status.renewsAt ? { renews_at: status.renewsAt.toISOString() } : {}),
        }
      : null,
    internal_ca: internalCa ? { subject: internalCa.subject, not_after: internalCa.notAfter.toISOString(), fingerprint_sha256: internalCa.fingerprintSha256 } : null,
  };
}
