// The small local page shown until the dashboard can load: "starting…", or the error on screen
// when the server failed or died. A data: URL, so it needs no file and no server. Its buttons
// use window.hearth (the preload runs here too).
import type { ServerStatus } from '../shared/ipc-contract.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const HEADLINES: Record<ServerStatus['state'], string> = {
  stopped: 'The Hearth server is stopped',
  starting: 'Starting the Hearth server…',
  running: 'The Hearth server is running',
  stopping: 'Stopping the Hearth server…',
  restarting: 'The Hearth server stopped unexpectedly',
  failed: 'The Hearth server failed to start',
};

/** The page for `status` as a `data:text/html` URL. */
export function statusPageUrl(status: ServerStatus): string {
  const canStart = status.state === 'stopped' || status.state === 'failed';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>Hearth</title>
<style>body{font-family:system-ui,sans-serif;margin:3rem;color:#222}pre{white-space:pre-wrap;background:#f4f4f4;padding:1rem;border-radius:6px}</style>
</head><body data-state="${status.state}">
<h1>${escapeHtml(HEADLINES[status.state])}</h1>
${status.state === 'starting' && status.progress ? `<p id="progress">${escapeHtml(status.progress)}</p>` : ''}
${status.error ? `<pre id="error">${escapeHtml(status.error)}</pre>` : ''}
${status.state === 'restarting' ? `<p>Restart attempt ${status.restarts} is scheduled.</p>` : ''}
${canStart ? '<button id="start" onclick="window.hearth.startServer()">Start the server</button>' : ''}
${status.dataDir ? '<button id="data" onclick="window.hearth.openDataFolder()">Open the data folder</button>' : ''}
</body></html>`;
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}
