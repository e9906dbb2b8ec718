import { useEffect, useState } from 'react';
import { lanApi, type LanLink, type LanView } from '../api/admin-lan';
import { tlsApi } from '../api/admin-tls';
import { Button } from '../components/Button/Button';
import { Message } from '../components/Message/Message';
import { useSession } from '../session';
import { TrustSteps } from './tls/TrustSteps';

function InviteCard({ link, several }: { link: LanLink; several: boolean }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(link.url);
    setCopied(true);
  };
  return (
    <section className="card lan-invite" aria-label={`Invite on ${link.interface}`} data-testid="lan-invite">
      {/* SVG markup made by the node's qrcode library from the URL (no script, only rects and paths). */}
      <div className="qr" role="img" aria-label={`QR code of ${link.url}`} dangerouslySetInnerHTML={{ __html: link.qr_svg }} />
      <div className="stack">
        {several && <span className="muted">Network {link.interface}</span>}
        <a className="lan-url mono" href={link.url} data-testid="lan-url">
          {link.url}
        </a>
        <p className="muted">Friends on this network scan the code with a phone, or type the address into any browser. No install, no internet needed.</p>
        <div className="row">
          <Button variant="secondary" onClick={() => void copy()}>
            {copied ? 'Copied' : 'Copy address'}
          </Button>
        </div>
      </div>
    </section>
  );
}

/** LAN party: the web client's address on this machine's LAN addresses, QR codes, the CA's trust steps. */
export function Lan() {
  const { client } = useSession();
  const [view, setView] = useState<LanView | null>(null);
  const [fingerprint, setFingerprint] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    lanApi(client)
      .invite()
      .then(async (v) => {
        setView(v);
        if (v.tls_mode === 'internal-ca') setFingerprint((await tlsApi(client).status()).internal_ca?.fingerprint_sha256);
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [client]);

  if (error) return <Message title="The LAN invite could not be loaded" tone="error">{error}</Message>;
  if (!view) return <p aria-busy="true">Loading the LAN invite…</p>;
  const several = view.links.length > 1;
  const announced = view.mdns.records.find((r) => r.type === '_hearth._tcp');
  return (
    <>
      <header className="page-head">
        <h1>LAN party</h1>
      </header>
      <div className="stack">
        {view.links.length === 0 ? (
          <Message title="No network address found" tone="info">
            This machine has no LAN address right now. Connect it to the network your friends use, then reload this page.
          </Message>
        ) : (
          <>
            {several && <p className="muted">This machine is on several networks. Use the address of the one your friends are on.</p>}
            {view.links.map((link) => (
              <InviteCard key={link.url} link={link} several={several} />
            ))}
          </>
        )}
        {view.ca_certificate_urls && (
          <section className="card stack" aria-labelledby="lan-trust">
            <h2 id="lan-trust">Before opening it: trust this server&apos;s certificate</h2>
            <p className="muted">HTTPS here uses Hearth&apos;s own certificate authority. Each friend installs its root certificate once, then opens the address above.</p>
            <TrustSteps rootUrl={view.ca_certificate_urls[0]!} fingerprint={fingerprint} />
          </section>
        )}
        <section className="card stack" aria-labelledby="lan-mdns">
          <h2 id="lan-mdns">Found automatically</h2>
          {announced ? (
            <p data-testid="lan-mdns">
              Announced on the local network as <strong>{announced.name}</strong> (<code>_hearth._tcp</code> and <code>_http._tcp</code>, port {announced.port}). Apps that browse the network find it without typing.
            </p>
          ) : (
            <p className="muted" data-testid="lan-mdns">
              Not announced on the network: mDNS is off (setting <code>lan.mdns</code>, or <code>HEARTH_LAN_MDNS=on</code>).
            </p>
          )}
        </section>
      </div>
    </>
  );
}
