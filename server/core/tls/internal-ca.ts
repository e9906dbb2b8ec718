import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';

/** A leaf certificate issued by the internal CA. */
export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  notAfter: Date;
}

const ROOT_CERT_FILE = 'root.crt';
const ROOT_KEY_FILE = 'root.key';
const ROOT_YEARS = 10;
/** Apple refuses TLS leaves valid for more than 825 days; 397 also fits every browser's public limit. */
const DEFAULT_LEAF_DAYS = 397;
const DAY_MS = 86_400_000;

/** A positive 128-bit serial number in hex (RFC 5280 §4.1.2.2). */
function serialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  if (bytes[0] === 0) bytes[0] = 1;
  return bytes.toString('hex');
}

/** RSA-2048 keys come from Node's native generator (fast); forge only signs. */
function rsaKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e), keyPem: privateKey };
}

/** Normalises one SAN entry: IPs (v4/v6, zone ids dropped) or lower-cased DNS names. */
function altName(name: string): { type: number; ip?: string; value?: string } {
  const bare = name.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(bare)) return { type: 7, ip: bare };
  return { type: 2, value: name.toLowerCase() };
}

/**
 * The node's own certificate authority for LAN HTTPS (and the voice wss:// listener). The root
 * (RSA-2048, 10 years) is generated once and kept in `dir` (key 0600); each `issue()` makes a
 * fresh serverAuth leaf with the given DNS names and IPs as subjectAltNames. Clients trust the
 * root once (GET /hearth-ca.crt) and then every leaf the node issues.
 */
export class InternalCa {
  private readonly caCert: forge.pki.Certificate;
  private readonly caKey: forge.pki.rsa.PrivateKey;

  private constructor(
    readonly rootPem: string,
    keyPem: string,
  ) {
    this.caCert = forge.pki.certificateFromPem(rootPem);
    this.caKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  }

  /** Loads the root kept in `dir`, or creates (and keeps) one when there is none. */
  static async loadOrCreate(dir: string): Promise<InternalCa> {
    const certPath = join(dir, ROOT_CERT_FILE);
    const keyPath = join(dir, ROOT_KEY_FILE);
    const existing = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (existing) return new InternalCa(existing[0], existing[1]);

    await mkdir(dir, { recursive: true, mode: 0o700 });
    const { certPem, keyPem } = InternalCa.createRoot();
    // Key first, each through a temp file: a crash never leaves a certificate without its key.
    for (const [path, data] of [
      [keyPath, keyPem],
      [certPath, certPem],
    ] as const) {
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, data, { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, path);
    }
    return new InternalCa(certPem, keyPem);
  }

  private static createRoot(): { certPem: string; keyPem: string } {
    const keys = rsaKeyPair();
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = serialHex();
    const now = Date.now();
    cert.validity.notBefore = new Date(now - 60 * 60 * 1000);
    cert.validity.notAfter = new Date(now + ROOT_YEARS * 365 * DAY_MS);
    // A per-install suffix: two Hearth servers on one LAN get distinguishable roots.
    const attrs = [
      { name: 'commonName', value: `Hearth local CA (${hostname().slice(0, 32)} ${randomBytes(3).toString('hex')})` },
      { name: 'organizationName', value: 'Hearth' },
    ];
    cert.setSubject(attrs);
    cert.setIssuer(attrs);
    cert.setExtensions([
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
  }

  /** The root's subject, expiry and SHA-256 fingerprint (for the dashboard). */
  describeRoot(): { subject: string; notAfter: Date; fingerprintSha256: string } {
    const x = new X509Certificate(this.rootPem);
    return { subject: x.subject.replace(/\n/g, ', '), notAfter: new Date(x.validTo), fingerprintSha256: x.fingerprint256 };
  }

  /**
   * A serverAuth leaf for `names` (DNS names and IP addresses), valid `days` days (397 by
   * default; backdated one hour for clock skew). The first name is the subject's CN.
   */
  issue(names: string[], days = DEFAULT_LEAF_DAYS): IssuedCertificate {
    const unique = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
    if (unique.length === 0) throw new Error('a certificate needs at least one name');
    if (!(days >= 1 && days <= 825)) throw new Error('days must be between 1 and 825');
    const keys = rsaKeyPair();
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = serialHex();
    const now = Date.now();
    cert.validity.notBefore = new Date(now - 60 * 60 * 1000);
    cert.validity.notAfter = new Date(now + days * DAY_MS);
    cert.setSubject([{ name: 'commonName', value: unique[0]!.slice(0, 64) }]);
    cert.setIssuer(this.caCert.subject.attributes);
    cert.setExtensions([
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: unique.map(altName) },
      { name: 'subjectKeyIdentifier' },
      { name: 'authorityKeyIdentifier', keyIdentifier: this.caCert.generateSubjectKeyIdentifier().getBytes() },
    ]);
    cert.sign(this.caKey, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem, notAfter: cert.validity.notAfter };
  }
}
