import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { FieldErrors } from '../errors.js';

/** What the dashboard shows about a certificate. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** DNS names and IP addresses of the subjectAltName extension. */
  names: string[];
  notBefore: Date;
  notAfter: Date;
  fingerprintSha256: string;
}

/** Certificate and key as the HTTPS listener takes them: leaf first, then its chain. */
export interface TlsMaterial {
  certPem: string;
  keyPem: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every PEM certificate block in `text`, in order. */
export function pemBlocks(text: string): string[] {
  return text.match(PEM_CERT) ?? [];
}

function sanNames(x: X509Certificate): string[] {
  if (!x.subjectAltName) return [];
  return x.subjectAltName
    .split(', ')
    .map((entry) => {
      const m = /^(DNS|IP Address):(.+)$/.exec(entry);
      if (!m) return undefined;
      // OpenSSL prints IPv6 uncompressed (0:0:0:0:0:0:0:1); the URL parser gives the usual form.
      return m[1] === 'IP Address' && m[2]!.includes(':') ? new URL(`http://[${m[2]}]/`).hostname.slice(1, -1) : m[2];
    })
    .filter((name): name is string => name !== undefined);
}

/** Subject, issuer, names, validity and fingerprint of the first certificate in `pem`. */
export function describeCertificate(pem: string): CertificateInfo {
  const x = new X509Certificate(pemBlocks(pem)[0] ?? pem);
  return {
    subject: x.subject.replace(/\n/g, ', '),
    issuer: x.issuer.replace(/\n/g, ', '),
    names: sanNames(x),
    notBefore: new Date(x.validFrom),
    notAfter: new Date(x.validTo),
    fingerprintSha256: x.fingerprint256,
  };
}

/** The moment two thirds of a certificate's lifetime have passed (when it is renewed). */
export function renewalTime(info: Pick<CertificateInfo, 'notBefore' | 'notAfter'>): Date {
  const start = info.notBefore.getTime();
  return new Date(start + ((info.notAfter.getTime() - start) * 2) / 3);
}

function parseCertificates(text: string, field: string, errors: FieldErrors): X509Certificate[] {
  const blocks = pemBlocks(text);
  if (blocks.length === 0) {
    errors.add([field], 'CERTIFICATE_INVALID', 'No PEM certificate found (expected -----BEGIN CERTIFICATE-----).');
    return [];
  }
  const out: X509Certificate[] = [];
  blocks.forEach((block, i) => {
    try {
      out.push(new X509Certificate(block));
    } catch {
      errors.add([field], 'CERTIFICATE_INVALID', `Certificate ${i + 1} cannot be parsed.`);
    }
  });
  return out;
}

/**
 * Checks an uploaded certificate before it is used: every PEM block parses, the key is a private
 * key that belongs to the leaf, the leaf and the chain are within their validity, and each
 * certificate is issued (and signed) by the next one. Problems are one 50035 with a message per
 * field. `certPem` may already hold the chain (a fullchain.pem); `chainPem` is appended. A
 * self-signed certificate is accepted: the admin chose to upload it.
 */
export function validateUploaded(input: { certPem: string; keyPem: string; chainPem?: string | undefined }, now = new Date()): TlsMaterial & { info: CertificateInfo } {
  const errors = new FieldErrors();
  const certs = parseCertificates(input.certPem, 'cert_pem', errors);
  const chain = input.chainPem?.trim() ? parseCertificates(input.chainPem, 'chain_pem', errors) : [];
  let key: KeyObject | undefined;
  try {
    key = createPrivateKey(input.keyPem);
  } catch {
    errors.add(['key_pem'], 'KEY_INVALID', 'Not a PEM private key (unencrypted PKCS#8, PKCS#1 or SEC1 expected).');
  }
  errors.throwIfAny();

  const all = [...certs, ...chain];
  const leaf = all[0]!;
  if (!leaf.checkPrivateKey(key!)) errors.add(['key_pem'], 'KEY_MISMATCH', 'The private key does not belong to the certificate.');
  all.forEach((cert, i) => {
    const field = i < certs.length ? 'cert_pem' : 'chain_pem';
    const which = i === 0 ? 'The certificate' : `Chain certificate ${i}`;
    if (new Date(cert.validTo) <= now) errors.add([field], 'CERTIFICATE_EXPIRED', `${which} expired on ${new Date(cert.validTo).toISOString()}.`);
    else if (new Date(cert.validFrom) > now) errors.add([field], 'CERTIFICATE_NOT_YET_VALID', `${which} is valid only from ${new Date(cert.validFrom).toISOString()}.`);
    const issuer = all[i + 1];
    if (issuer && !(cert.checkIssued(issuer) && cert.verify(issuer.publicKey))) {
      errors.add([i + 1 < certs.length ? 'cert_pem' : 'chain_pem'], 'CHAIN_INVALID', `Certificate ${i + 2} did not issue certificate ${i + 1}: give the chain in order, leaf first.`);
    }
  });
  errors.throwIfAny();
  const certPem = all.map((c) => c.toString().trim()).join('\n') + '\n';
  return { certPem, keyPem: key!.export({ type: 'pkcs8', format: 'pem' }).toString(), info: describeCertificate(certPem) };
}
