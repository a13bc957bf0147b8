import type { OAuth2TokenPlacement } from '../model/connector-auth.js';
import type { TokenResponse } from './token-endpoint.js';

/**
 * The link's config with a token response put where the connector's auth says. A response without
 * a refresh token keeps the one the config had (most servers rotate only sometimes); one with a new
 * refresh token replaces it (rotation: the old one may already be dead).
 */
export function placeTokens(
  config: Record<string, unknown>,
  tokens: OAuth2TokenPlacement,
  response: TokenResponse,
  nowMs: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config, [tokens.access_token]: response.access_token };
  if (tokens.refresh_token && typeof response.refresh_token === 'string' && response.refresh_token !== '')
    out[tokens.refresh_token] = response.refresh_token;
  if (tokens.expires_at) {
    const expiresIn = Number(response.expires_in);
    if (Number.isFinite(expiresIn) && expiresIn > 0) out[tokens.expires_at] = Math.floor(nowMs / 1000) + Math.floor(expiresIn);
    else delete out[tokens.expires_at];
  }
  for (const [from, to] of Object.entries(tokens.extra ?? {})) {
    if (response[from] !== undefined) out[to] = response[from];
  }
  return out;
}

/** The config's refresh token, when the connector keeps one and the config has it. */
export function refreshTokenOf(config: Record<string, unknown>, tokens: OAuth2TokenPlacement): string | null {
  const value = tokens.refresh_token ? config[tokens.refresh_token] : undefined;
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Epoch seconds of the access token's expiry, or null when the config does not say. */
export function expiresAtOf(config: Record<string, unknown>, tokens: OAuth2TokenPlacement): number | null {
  const value = tokens.expires_at ? Number(config[tokens.expires_at]) : NaN;
  return Number.isFinite(value) ? value : null;
}
