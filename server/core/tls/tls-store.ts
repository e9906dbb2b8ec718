import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TlsMaterial } from './certificate.js';

export type TlsMode = 'off' | 'internal-ca' | 'acme' | 'uploaded';
export type AcmeChallengeType = 'http-01' | 'dns-01';

/** The ACME settings kept between runs (the order itself is not: a restart starts a new one). */
export interface AcmeSettings {
  domain: string;
  email: string;
  directoryUrl: string;
  challenge: AcmeChallengeType;
}

/** What `state.json` holds. */
export interface TlsState {
  mode: TlsMode;
  /** Extra names the admin asked for in internal-CA mode (besides the detected ones). */
  names: string[];
  acme: AcmeSettings | null;
}

const DEFAULT_STATE: TlsState = { mode: 'off', names: [], acme: null };

async function writePrivate(path: string, data: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * TLS settings and material under `<dataDir>/tls` (directory 0700, every file 0600, each written
 * through a temp file and a rename): `state.json`, the active `cert.pem` + `key.pem`, the ACME
 * account key, and the internal CA in `ca/`.
 */
export class TlsStore {
  constructor(readonly dir: string) {}

  get caDir(): string {
    return join(this.dir, 'ca');
  }

  private async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  async readState(): Promise<TlsState> {
    const text = await readOptional(join(this.dir, 'state.json'));
    if (!text) return { ...DEFAULT_STATE };
    const parsed = JSON.parse(text) as Partial<TlsState>;
    return { mode: parsed.mode ?? 'off', names: parsed.names ?? [], acme: parsed.acme ?? null };
  }

  async writeState(state: TlsState): Promise<void> {
    await this.ensureDir();
    await writePrivate(join(this.dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
  }

  async readMaterial(): Promise<TlsMaterial | undefined> {
    const [certPem, keyPem] = await Promise.all([readOptional(join(this.dir, 'cert.pem')), readOptional(join(this.dir, 'key.pem'))]);
    return certPem && keyPem ? { certPem, keyPem } : undefined;
  }

  async writeMaterial(material: TlsMaterial): Promise<void> {
    await this.ensureDir();
    await writePrivate(join(this.dir, 'key.pem'), material.keyPem);
    await writePrivate(join(this.dir, 'cert.pem'), material.certPem);
  }

  async removeMaterial(): Promise<void> {
    await Promise.all(['cert.pem', 'key.pem'].map((f) => rm(join(this.dir, f), { force: true })));
  }

  async readAcmeAccountKey(): Promise<string | undefined> {
    return readOptional(join(this.dir, 'acme-account.key'));
  }

  async writeAcmeAccountKey(pem: string): Promise<void> {
    await this.ensureDir();
    await writePrivate(join(this.dir, 'acme-account.key'), pem);
  }

  /** The internal CA's root certificate, if one was ever created (never creates one). */
  async readRootPem(): Promise<string | undefined> {
    return readOptional(join(this.caDir, 'root.crt'));
  }
}
