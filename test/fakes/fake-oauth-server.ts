import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface IssuedCode {
  redirectUri: string;
  challenge: string | null;
  used: boolean;
}

/** One token request as the server saw it (the form's fields). */
export type TokenRequest = Record<string, string>;

const token = (prefix: string): string => `${prefix}-${randomBytes(18).toString('base64url')}`;

/**
 * An OAuth 2.0 authorization server on loopback, as RFC 6749 and RFC 7636 describe it: `/authorize`
 * answers the user's consent with a redirect (a code, or `error=access_denied`), `/token` exchanges a
 * code (checking the client, the redirect URI, single use and the PKCE S256 verifier) and refreshes
 * (rotating the refresh token when told, refusing an old one with `invalid_grant`).
 */
export class FakeOAuthServer {
  readonly clientId = 'client-app-1';
  readonly clientSecret = `cs-${randomBytes(18).toString('base64url')}`;
  /** `expires_in` of each access token issued. */
  accessTtlSeconds = 3600;
  /** Token answers carry no `expires_in` (a provider that never says when a token expires). */
  omitExpiresIn = false;
  /** Each refresh issues a new refresh token and kills the old one. */
  rotateRefreshTokens = false;
  /** The user says no at the consent screen. */
  denyConsent = false;
  /** Each token answer waits this long (so concurrent callers overlap). */
  tokenDelayMs = 0;
  readonly tokenRequests: TokenRequest[] = [];
  readonly authorizeRequests: URLSearchParams[] = [];
  /** Every token this server ever issued (access and refresh), for the tests that look for leaks. */
  readonly issued: string[] = [];
  currentAccessToken = '';
  /** Access tokens issued and when each dies (epoch ms; Infinity once `expires_in` is omitted). */
  private readonly accessExpiry = new Map<string, number>();
  private readonly codes = new Map<string, IssuedCode>();
  private liveRefreshTokens = new Set<string>();
  private readonly server: http.Server;
  url = '';

  constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        if (req.method === 'GET' && url.pathname === '/authorize') return this.authorize(url.searchParams, res);
        if (req.method === 'POST' && url.pathname === '/token') {
          const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
          this.tokenRequests.push(form);
          const answer = this.token(form);
          setTimeout(
            () => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body)),
            this.tokenDelayMs,
          ).unref();
          return;
        }
        res.writeHead(404).end();
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  refreshRequests(): TokenRequest[] {
    return this.tokenRequests.filter((r) => r.grant_type === 'refresh_token');
  }

  /** A refresh token issued elsewhere (a connector that refreshed on its own) that this server honours. */
  acceptRefreshToken(token: string): void {
    this.liveRefreshTokens.add(token);
  }

  /**
   * Whether an API of this provider accepts `token` now: issued here and not expired — to the
   * millisecond, as a real provider's clock would judge it.
   */
  accepts(token: string): boolean {
    return (this.accessExpiry.get(token) ?? 0) > Date.now();
  }

  /** Kills every access token issued so far (the provider expired them early, or the user revoked them). */
  expireAccessTokens(): void {
    for (const t of this.accessExpiry.keys()) this.accessExpiry.set(t, 0);
  }

  /** Kills every refresh token (the user revoked the app at the provider). */
  revokeRefreshTokens(): void {
    this.liveRefreshTokens = new Set();
  }

  private authorize(q: URLSearchParams, res: http.ServerResponse): void {
    this.authorizeRequests.push(q);
    const redirectUri = q.get('redirect_uri');
    if (q.get('client_id') !== this.clientId || !redirectUri || q.get('response_type') !== 'code') {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad authorization request');
      return;
    }
    const back = new URL(redirectUri);
    back.searchParams.set('state', q.get('state') ?? '');
    if (this.denyConsent) {
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = token('code');
      const method = q.get('code_challenge_method');
      this.codes.set(code, { redirectUri, challenge: method === 'S256' ? q.get('code_challenge') : null, used: false });
      back.searchParams.set('code', code);
    }
    res.writeHead(302, { location: back.toString() }).end();
  }

  private token(form: TokenRequest): { status: number; body: unknown } {
    if (form.client_id !== this.clientId || form.client_secret !== this.clientSecret)
      return { status: 401, body: { error: 'invalid_client' } };
    if (form.grant_type === 'authorization_code') {
      const code = this.codes.get(form.code ?? '');
      if (!code || code.used || code.redirectUri !== form.redirect_uri) return { status: 400, body: { error: 'invalid_grant' } };
      code.used = true;
      if (
        code.challenge !== null &&
        createHash('sha256')
          .update(form.code_verifier ?? '')
          .digest('base64url') !== code.challenge
      ) {
        return { status: 400, body: { error: 'invalid_grant', error_description: 'PKCE verification failed' } };
      }
      return { status: 200, body: this.issue(true) };
    }
    if (form.grant_type === 'refresh_token') {
      if (!this.liveRefreshTokens.has(form.refresh_token ?? '')) return { status: 400, body: { error: 'invalid_grant' } };
      if (this.rotateRefreshTokens) this.liveRefreshTokens.delete(form.refresh_token!);
      return { status: 200, body: this.issue(this.rotateRefreshTokens) };
    }
    return { status: 400, body: { error: 'unsupported_grant_type' } };
  }

  private issue(withRefresh: boolean): Record<string, unknown> {
    this.currentAccessToken = token('at');
    this.issued.push(this.currentAccessToken);
    this.accessExpiry.set(this.currentAccessToken, this.omitExpiresIn ? Infinity : Date.now() + this.accessTtlSeconds * 1000);
    const body: Record<string, unknown> = { access_token: this.currentAccessToken, token_type: 'bearer' };
    if (!this.omitExpiresIn) body.expires_in = this.accessTtlSeconds;
    if (withRefresh) {
      const refresh = token('rt');
      this.issued.push(refresh);
      this.liveRefreshTokens.add(refresh);
      body.refresh_token = refresh;
    }
    return body;
  }
}
