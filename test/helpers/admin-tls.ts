import { generateKeyPairSync, type X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import forge from 'node-forge';

/** A self-signed RSA certificate with any validity (expired ones included), for upload tests. */
export function selfSigned(options: { cn: string; notBefore: Date; notAfter: Date }): { certPem: string; keyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01';
  cert.validity.notBefore = options.notBefore;
  cert.validity.notAfter = options.notAfter;
  cert.setSubject([{ name: 'commonName', value: options.cn }]);
  cert.setIssuer([{ name: 'commonName', value: options.cn }]);
  cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 2, value: options.cn }] }]);
  cert.sign(key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privateKey };
}

/** The certificate a TLS server presents on a fresh connection (verification off: we only look). */
export function presentedCertificate(port: number, servername = 'localhost'): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      const raw = socket.getPeerX509Certificate();
      socket.end();
      if (raw) resolve(raw);
      else reject(new Error('no peer certificate'));
    });
    socket.on('error', reject);
  });
}
