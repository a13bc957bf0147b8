/**
 * How a tenant proves who it is to a connector's system (issue #15). `none`: nothing to prove;
 * `fields`: credentials typed into the config form (the config schema marks the secret ones);
 * `oauth2`: the authorization code flow, whose tokens Sinew places into the link's config.
 */
export type ConnectorAuth = { type: 'none' } | { type: 'fields' } | OAuth2Auth;

export interface OAuth2Auth {
  type: 'oauth2';
  authorization_url: string;
  token_url: string;
  scopes: string[];
  /** PKCE S256 on every authorization (default true); false only for servers that reject it. */
  pkce: boolean;
  /** Added to the authorization URL as they are (e.g. `access_type: offline`, `prompt: consent`). */
  authorize_params: Record<string, string>;
  /** Where the token response goes in the link's config: config field names. */
  tokens: OAuth2TokenPlacement;
}

export interface OAuth2TokenPlacement {
  access_token: string;
  refresh_token?: string;
  /** Epoch seconds of the access token's expiry (from `expires_in`); absent: the token's expiry is not kept. */
  expires_at?: string;
  /** Token response field → config field, e.g. `{ "instance_url": "instance_url" }` (Salesforce). */
  extra?: Record<string, string>;
}

export const isOAuth2 = (auth: ConnectorAuth | undefined): auth is OAuth2Auth => auth?.type === 'oauth2';
