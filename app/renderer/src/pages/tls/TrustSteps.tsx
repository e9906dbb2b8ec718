/** Short per-OS steps to trust the internal CA's root once on each client device. */
export function TrustSteps({ rootUrl, fingerprint }: { rootUrl: string; fingerprint: string | undefined }) {
  return (
    <div className="stack trust">
      <div className="row">
        <a className="btn btn-secondary" href={rootUrl} download="hearth-ca.crt">
          Download the root certificate
        </a>
        <span className="muted">Any device can also fetch it at <code>{rootUrl || '/hearth-ca.crt'}</code>.</span>
      </div>
      {fingerprint && (
        <p className="muted fingerprint">
          Check after installing that its SHA-256 fingerprint is <code className="mono">{fingerprint}</code>.
        </p>
      )}
      <details>
        <summary>Windows</summary>
        <p>Open the file, choose <em>Install Certificate…</em>, <em>Local Machine</em>, then <em>Place all certificates in the following store</em> → <em>Trusted Root Certification Authorities</em>.</p>
      </details>
      <details>
        <summary>macOS</summary>
        <p>Open the file (Keychain Access adds it to <em>login</em>), double-click the certificate, open <em>Trust</em> and set <em>When using this certificate</em> to <em>Always Trust</em>.</p>
      </details>
      <details>
        <summary>Linux</summary>
        <p>
          <code>sudo cp hearth-ca.crt /usr/local/share/ca-certificates/ && sudo update-ca-certificates</code> (Debian, Ubuntu). Firefox and Chromium keep their own store: Settings → Certificates → Import, trust for websites.
        </p>
      </details>
      <details>
        <summary>Android</summary>
        <p>Settings → Security → Encryption &amp; credentials → Install a certificate → CA certificate, then pick the downloaded file.</p>
      </details>
      <details>
        <summary>iPhone and iPad</summary>
        <p>Open the link in Safari and allow the profile, install it in Settings → General → VPN &amp; Device Management, then turn it on in Settings → General → About → Certificate Trust Settings.</p>
      </details>
    </div>
  );
}
