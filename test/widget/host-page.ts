import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Harness } from '../support/sinew-harness.js';

/**
 * An owner's web app on its own loopback origin (another port than Sinew's): a page that embeds the
 * widget with the lines docs/widget.md gives, and the owner's backend route that asks Sinew for the
 * tenant's token with the environment key (which never reaches the browser). Every widget event the
 * page hears is kept in `window.sinewEvents`.
 */
export class HostPage {
  private readonly server: http.Server;
  url = '';

  constructor(h: Harness, publicKey: string, tenant: string) {
    const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme app</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:Georgia,serif;color:#900;background:#fffbe6} button{font-size:30px}</style>
</head><body>
<h1>Acme app</h1>
<button id="open-integrations">Integrations</button>
<div id="narrow" style="width:340px;height:640px"></div>
<script src="${h.url}/widget.js"></script>
<script>
  window.sinewEvents = [];
  window.sinewConfig = {
    apiUrl: ${JSON.stringify(h.url)},
    envId: ${JSON.stringify(h.envId)},
    publicKey: ${JSON.stringify(publicKey)},
    getToken: () => fetch('/sinew-token').then((r) => r.text()),
  };
  Sinew.init(window.sinewConfig);
  for (const e of ['connector:link', 'connector:relink', 'connector:unlink', 'connector:link-failed', 'fieldmap:save', 'schedule:save', 'job:start']) {
    Sinew.on(e, (payload) => window.sinewEvents.push({ event: e, payload }));
  }
  document.getElementById('open-integrations').addEventListener('click', () => Sinew.open());
</script></body></html>`;
    this.server = http.createServer((req, res) => {
      if (req.url === '/sinew-token') {
        // The owner's backend: its environment key stays here.
        void h
          .api('POST', `/tenant/${h.envId}/${tenant}/token`, {})
          .then((r) => res.writeHead(r.status, { 'content-type': 'text/plain' }).end(r.body.token));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
