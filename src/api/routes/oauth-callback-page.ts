import { randomBytes } from 'node:crypto';
import type { OAuthOutcome } from '../../oauth/oauth-flow-service.js';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What the opener (the widget) is told: the outcome's names and code, nothing more. */
export function outcomeMessage(o: OAuthOutcome): Record<string, unknown> {
  return {
    type: 'sinew:oauth',
    ok: o.ok,
    code: o.code,
    message: o.message,
    connector_id: o.connector_id ?? null,
    flow_id: o.flow_id ?? null,
    tenant: o.tenant ?? null,
  };
}

/** The return URL with the outcome in its query: `sinew_oauth=linked|<error code>`, and the connector. */
export function returnLocation(o: OAuthOutcome, returnUrl: string): string {
  const url = new URL(returnUrl);
  url.searchParams.set('sinew_oauth', o.code);
  if (o.connector_id) url.searchParams.set('connector_id', o.connector_id);
  return url.toString();
}

/**
 * The page the provider's redirect lands on when no return URL was asked for: it says how linking
 * ended and, opened as the widget's pop-up, posts the outcome to its opener — only to the origins
 * the owner allow-listed (postMessage drops a message whose target origin does not match), then
 * closes. A nonce lets its one script run under a CSP that allows nothing else.
 */
export function callbackPage(o: OAuthOutcome): { html: string; csp: string } {
  const nonce = randomBytes(16).toString('base64');
  // JSON inside <script>: `<` escaped so no value can close the element.
  const data = JSON.stringify({ message: outcomeMessage(o), origins: o.opener_origins }).replace(/</g, '\\u003c');
  const title = o.ok ? 'Linked' : 'Not linked';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><h1>${title}</h1><p>${escapeHtml(o.message)}</p>
<script nonce="${nonce}">
(function () {
  var d = ${data};
  if (window.opener && d.origins.length) {
    for (var i = 0; i < d.origins.length; i++) window.opener.postMessage(d.message, d.origins[i]);
    window.close();
  }
})();
</script></body></html>`;
  return { html, csp: `default-src 'none'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'` };
}
