import { resolveConnector } from '../connectors/connector-resolver.js';
import { REDACTED } from '../crypto/config-redaction.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { invalid, notFound, SinewError } from '../errors/sinew-error.js';
import { isOAuth2, type OAuth2Auth } from '../model/connector-auth.js';
import type { Store } from '../store/store.js';

/** What the owner sends: its OAuth app at the connector's provider, for one environment. */
export interface OAuthAppInput {
  client_id: string;
  /** `********` keeps the stored secret (a read-edit-save sends back what it read). */
  client_secret: string;
  /** Sinew's `/oauth/callback` as the provider knows it (registered at the provider). */
  redirect_uri: string;
  /** Where the callback may send the user afterwards: a return URL must start with one of these. */
  return_urls?: string[];
  /** Override the connector's endpoints (a test server, a sandbox, a regional login host). */
  authorization_url?: string;
  token_url?: string;
}

interface StoredApp extends Omit<OAuthAppInput, 'client_secret'> {
  client_secret_sealed: string;
  updated_at: string;
}

/** An OAuth app ready for use: secret in clear, endpoints and auth resolved (inside the server only). */
export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  returnUrls: string[];
  auth: OAuth2Auth;
}

const httpUrl = (value: string, field: string): void => {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw invalid(`${field} must be an absolute http(s) URL`, { field });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalid(`${field} must be an absolute http(s) URL`, { field });
};

/** True when `url` starts with an allowed return URL: same origin, and within its path. */
export function returnUrlAllowed(url: string, allowed: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return allowed.some((a) => {
    const base = new URL(a);
    const dir = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    return (
      u.origin === base.origin && (u.pathname === base.pathname || u.pathname.startsWith(dir)) && u.username === '' && u.password === ''
    );
  });
}

/** The environments' OAuth apps (owner only): the client secret sealed at rest and never shown. */
export class OAuthAppService {
  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
  ) {}

  private async oauthAuth(envId: string, connectorId: string): Promise<OAuth2Auth> {
    const def = await resolveConnector(this.store, envId, connectorId);
    if (!isOAuth2(def.auth))
      throw new SinewError('OAUTH_NOT_CONFIGURED', `connector ${connectorId} does not declare OAuth (auth.type oauth2)`, {
        connector_id: connectorId,
      });
    return def.auth;
  }

  async put(envId: string, connectorId: string, input: OAuthAppInput): Promise<Record<string, unknown>> {
    await this.oauthAuth(envId, connectorId);
    httpUrl(input.redirect_uri, 'redirect_uri');
    for (const [i, url] of (input.return_urls ?? []).entries()) httpUrl(url, `return_urls[${i}]`);
    if (input.authorization_url !== undefined) httpUrl(input.authorization_url, 'authorization_url');
    if (input.token_url !== undefined) httpUrl(input.token_url, 'token_url');
    const existing = await this.store.oauth.getApp<StoredApp>(envId, connectorId);
    let sealed: string;
    if (input.client_secret === REDACTED) {
      if (!existing) throw invalid('client_secret is required (there is no stored secret to keep)', { field: 'client_secret' });
      sealed = existing.client_secret_sealed;
    } else {
      sealed = this.box.encrypt(input.client_secret);
    }
    const { client_secret: _secret, ...rest } = input;
    const stored: StoredApp = { ...rest, client_secret_sealed: sealed, updated_at: new Date().toISOString() };
    await this.store.oauth.putApp(envId, connectorId, stored);
    return view(connectorId, stored);
  }

  async get(envId: string, connectorId: string): Promise<Record<string, unknown>> {
    const stored = await this.store.oauth.getApp<StoredApp>(envId, connectorId);
    if (!stored) throw notFound('OAuth app', { connector_id: connectorId });
    return view(connectorId, stored);
  }

  async remove(envId: string, connectorId: string): Promise<void> {
    if (!(await this.store.oauth.deleteApp(envId, connectorId))) throw notFound('OAuth app', { connector_id: connectorId });
  }

  /** The app with its secret in clear and the connector's auth, endpoints overridden by the app's. */
  async open(envId: string, connectorId: string): Promise<OAuthApp> {
    const auth = await this.oauthAuth(envId, connectorId);
    const stored = await this.store.oauth.getApp<StoredApp>(envId, connectorId);
    if (!stored)
      throw new SinewError(
        'OAUTH_NOT_CONFIGURED',
        `the environment has no OAuth app for connector ${connectorId}: the owner sets one with PUT /{env}/connectors/${connectorId}/oauth-app`,
        { connector_id: connectorId },
      );
    return {
      clientId: stored.client_id,
      clientSecret: this.box.decrypt(stored.client_secret_sealed),
      redirectUri: stored.redirect_uri,
      returnUrls: stored.return_urls ?? [],
      auth: {
        ...auth,
        authorization_url: stored.authorization_url ?? auth.authorization_url,
        token_url: stored.token_url ?? auth.token_url,
      },
    };
  }
}

function view(connectorId: string, stored: StoredApp): Record<string, unknown> {
  const { client_secret_sealed: _sealed, ...rest } = stored;
  return { connector_id: connectorId, ...rest, client_secret: REDACTED };
}
