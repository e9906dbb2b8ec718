import { join } from 'node:path';
import { InternalCa } from '../core/tls/internal-ca.js';

/** Where the voice gateway's certificate comes from: called once when the voice server starts. */
export type TlsSource = () => Promise<{ cert: string; key: string }>;

/**
 * The default: a leaf for `names` from the node's internal CA, kept in `<dataDir>/tls/ca` (the
 * same CA the HTTPS listener uses). Clients trust its `root.crt` (for a bot: NODE_EXTRA_CA_CERTS).
 */
export function internalCaTls(dataDir: string, names: readonly string[]): TlsSource {
  return async () => {
    const ca = await InternalCa.loadOrCreate(join(dataDir, 'tls', 'ca'));
    const leaf = ca.issue([...new Set(names)]);
    return { cert: leaf.certPem, key: leaf.keyPem };
  };
}
