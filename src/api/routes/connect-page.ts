/**
 * The hosted connect page a magic link opens (`GET /connect#<link token>`): an empty page that loads
 * widget.js, which finds `data-sinew-connect`, exchanges the token in the URL's fragment for a tenant
 * session and shows the widget's screens full page. Relative URLs: it works behind a path prefix.
 * Its CSP allows Sinew's own script and API only; the widget's styles are constructed stylesheets,
 * which style-src does not govern, and logos may come from any https URL.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>Connect your systems</title>
</head>
<body>
  <div id="sinew-connect" data-sinew-connect data-api-url=""></div>
  <noscript>This page needs JavaScript.</noscript>
  <script src="widget.js"></script>
</body>
</html>
`;

export const CONNECT_PAGE_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; img-src https: data:; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function connectPage(): string {
  return PAGE;
}
