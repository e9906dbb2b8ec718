import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

/** Where the voice gateway's certificate comes from: called once when the voice server starts. */
export type TlsSource = () => { cert: string; key: string };

/**
 * A stand-in until the internal CA (server/core/tls/internal-ca.ts) is on main: a self-signed
 * certificate for `names`, made once with the `openssl` command and kept in `dir`
 * (`cert.pem` is what a client trusts, e.g. through NODE_EXTRA_CA_CERTS).
 */
export function selfSignedTls(dir: string, names: readonly string[]): TlsSource {
  return () => {
    const certPath = join(dir, 'cert.pem');
    const keyPath = join(dir, 'key.pem');
    if (!existsSync(certPath) || !existsSync(keyPath)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const san = [...new Set(names)].map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '825', '-subj', '/CN=Hearth voice', '-addext', `subjectAltName=${san}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-keyout', keyPath, '-out', certPath],
        { stdio: 'ignore' },
      );
    }
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  };
}
