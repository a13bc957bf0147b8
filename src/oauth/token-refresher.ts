import { CREDENTIALS_REJECTED } from '../connectors/builtin/write/bearer-call.js';
import { resolveConnector } from '../connectors/connector-resolver.js';
import { type HeldToken, heldTokenIn, type LinkTokenBackend } from '../connectors/sdk/access-token.js';
import { openJson, sealJson } from '../crypto/sealed-json.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { isSinewError, notFound, SinewError } from '../errors/sinew-error.js';
import type { OutboxNotifier } from '../events/outbox-notifier.js';
import { changeLinkHealth } from '../links/link-health-change.js';
import { isOAuth2, type OAuth2TokenPlacement } from '../model/connector-auth.js';
import { type Link, type LinkHealth, type LinkKey, linkHealth, linkKeyString } from '../model/link.js';
import { environmentAddressPolicy } from '../settings/environment-settings.js';
import type { Store } from '../store/store.js';
import type { OAuthAppService } from './oauth-app-service.js';
import { requestTokens, tokenFailure } from './token-endpoint.js';
import { expiresAtOf, placeTokens, refreshTokenOf } from './token-placement.js';

/**
 * An access token that expires within this many seconds is refreshed before use: enough for a
 * connector to start and make its first calls, and for clocks a little apart.
 */
export const REFRESH_MARGIN_SECONDS = 300;

/** The config fields that hold a link's tokens (never the extra fields: a connector does not change those). */
const tokenFields = (t: OAuth2TokenPlacement): string[] =>
  [t.access_token, t.refresh_token, t.expires_at].filter((f): f is string => typeof f === 'string');

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Failures that say nothing of the link's credentials (the endpoint is down or refused by the
 * address policy): the health stays, no event, the next use tries again.
 */
const NOT_ABOUT_CREDENTIALS = new Set(['unreachable', 'bad_response', 'temporarily_unavailable', 'server_error', 'address_refused']);

/**
 * Keeps OAuth links' tokens fresh (issue #15): before a job is planned and before a real-time
 * write, a token that expires within the margin is refreshed — under the link's key lock, which
 * holds across every process sharing the store (store.locks), so two workers never refresh one link
 * at once. The one that waited reads the link again and finds the token fresh. The new tokens (a
 * rotated refresh token with them) are saved, sealed, before the access token is handed to anyone:
 * once a provider rotates, the old refresh token is dead, and losing the new one would lose the link.
 * A refresh the provider refuses makes the link's health invalid (an INVALID connection event);
 * later uses fail at once, without asking the provider again, until the tenant links again.
 */
export class TokenRefresher {
  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    private readonly apps: OAuthAppService,
    private readonly outbox: OutboxNotifier | undefined,
    private readonly allowLoopback: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** The link's config in clear, its access token refreshed first when it is about to expire. */
  async freshConfig(link: Link): Promise<Record<string, unknown>> {
    const config = openJson(this.box, link.config_encrypted);
    const def = await resolveConnector(this.store, link.env_id, link.connector_id).catch(() => null);
    if (!def || !isOAuth2(def.auth) || !this.due(config, def.auth.tokens)) return config;
    const tokens = def.auth.tokens;
    return this.store.locks.withKeys([lockKeyOf(link)], async (lost) => {
      // Whoever held the lock before may have refreshed already: decide again on the stored link.
      const current = await this.store.links.get(link);
      if (!current) throw notFound(`linked ${link.role} ${link.connector_id}`);
      const stored = openJson(this.box, current.config_encrypted);
      if (!this.due(stored, tokens)) return stored;
      // Refused before: asking again with the same dead token would only be refused again.
      const health = linkHealth(current);
      if (health.status === 'invalid') {
        throw tokenFailure(
          health.reason?.code ?? 'link_invalid',
          `the ${link.connector_id} link is invalid since ${health.since} (${health.reason?.message ?? 'its credentials were refused'}): the tenant must link again`,
        );
      }
      if (refreshTokenOf(stored, tokens) === null)
        return this.failed(
          link,
          tokenFailure(
            'no_refresh_token',
            `the ${link.connector_id} access token has expired and the link has no refresh token: the tenant must link again`,
          ),
        );
      return this.refreshStored(link, stored, tokens, lost);
    });
  }

  /**
   * For a run that holds a token (a job's connector, a real-time writer: access-token.ts): a newer
   * token than `have`. The stored one when another caller refreshed meanwhile; otherwise a refresh,
   * under the link's lock, whether or not the stored expiry says it is due (the remote system
   * refused the token, or the run's own margin says so). Null when the link cannot refresh (not
   * OAuth, no refresh token, already invalid); a refusal by the token endpoint throws (and marks
   * the link invalid, as any refusal does).
   */
  async refreshHeld(key: LinkKey, have: string, _reason: 'expiring' | 'rejected'): Promise<HeldToken | null> {
    const def = await resolveConnector(this.store, key.env_id, key.connector_id).catch(() => null);
    if (!def || !isOAuth2(def.auth)) return null;
    const tokens = def.auth.tokens;
    return this.store.locks.withKeys([lockKeyOf(key)], async (lost) => {
      const current = await this.store.links.get(key);
      if (!current) return null;
      const stored = openJson(this.box, current.config_encrypted);
      const held = heldTokenIn(stored, tokens);
      if (held !== null && held.access_token !== have) return held;
      if (linkHealth(current).status === 'invalid' || refreshTokenOf(stored, tokens) === null) return null;
      return heldTokenIn(await this.refreshStored(key, stored, tokens, lost), tokens);
    });
  }

  /** The link's tokens for a run that holds one (a job's connector, a real-time writer: access-token.ts). */
  backendFor(key: LinkKey): LinkTokenBackend {
    return {
      refresh: (have, reason) => this.refreshHeld(key, have, reason),
      invalid: (message) => this.markRejected(key, { code: CREDENTIALS_REJECTED, message }),
    };
  }

  /**
   * The remote system refused the link's credentials and no refresh helped (a 401 from a built-in
   * connector, a failed credential check): the link turns invalid, with an INVALID event the first time.
   */
  async markRejected(key: LinkKey, reason: { code: string; message: string }): Promise<void> {
    if (await this.markInvalid(key, reason)) this.outbox?.notify();
  }

  /** Refreshes with the stored refresh token (the caller holds the link's lock) and saves the answer before returning it. */
  private async refreshStored(
    key: LinkKey,
    stored: Record<string, unknown>,
    tokens: OAuth2TokenPlacement,
    lost: AbortSignal,
  ): Promise<Record<string, unknown>> {
    const refreshToken = refreshTokenOf(stored, tokens)!;
    // Without the lock another process may be refreshing with the same token: start nothing.
    if (lost.aborted) throw new SinewError('UNAVAILABLE', 'the link lock was lost before its tokens were refreshed; try again');
    const app = await this.apps.open(key.env_id, key.connector_id);
    const env = await this.store.environments.get(key.env_id);
    const policy = environmentAddressPolicy(env?.settings ?? {}, this.allowLoopback, 'connectors');
    let response: Awaited<ReturnType<typeof requestTokens>>;
    try {
      response = await requestTokens(
        app.auth.token_url,
        { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.clientId, client_secret: app.clientSecret },
        policy,
      );
    } catch (e) {
      return this.failed(key, e);
    }
    const next = placeTokens(stored, tokens, response, this.now());
    // Saved before it is returned, even if the lock was lost meanwhile: the answer's refresh
    // token may be the only one that still works.
    await this.store.transaction(async (tx) => {
      const latest = await tx.links.get(key);
      if (!latest) throw notFound(`linked ${key.role} ${key.connector_id}`);
      const at = new Date(this.now()).toISOString();
      const health: LinkHealth = linkHealth(latest).status === 'ok' ? linkHealth(latest) : { status: 'ok', reason: null, since: at };
      await tx.links.put({ ...latest, config_encrypted: sealJson(this.box, next), updated_at: at, health });
    });
    return next;
  }

  /**
   * After a job: a connector that refreshed its own tokens (Singer SDK taps rewrite their config
   * file) left newer ones than it was handed; they are saved, sealed, under the link's lock. Only
   * when the stored tokens are still the handed ones: if Sinew refreshed meanwhile, its tokens stay.
   */
  async saveLeftTokens(key: LinkKey, handed: Record<string, unknown>, left: Record<string, unknown>): Promise<boolean> {
    const def = await resolveConnector(this.store, key.env_id, key.connector_id).catch(() => null);
    if (!def || !isOAuth2(def.auth)) return false;
    const fields = tokenFields(def.auth.tokens);
    // A token is a string (an expiry a number), and not a megabyte: anything else is not saved.
    const plausible = (v: unknown): boolean =>
      (typeof v === 'string' && v !== '' && v.length <= 16_384) || (typeof v === 'number' && Number.isFinite(v));
    const changed = fields.filter((f) => plausible(left[f]) && !sameValue(left[f], handed[f]));
    if (changed.length === 0) return false;
    return this.store.locks.withKeys([lockKeyOf(key)], () =>
      this.store.transaction(async (tx) => {
        const link = await tx.links.get(key);
        if (!link) return false;
        const stored = openJson(this.box, link.config_encrypted);
        if (fields.some((f) => !sameValue(stored[f], handed[f]))) return false;
        const next = { ...stored };
        for (const f of changed) next[f] = left[f];
        const at = new Date(this.now()).toISOString();
        await tx.links.put({ ...link, config_encrypted: sealJson(this.box, next), updated_at: at });
        return true;
      }),
    );
  }

  private due(config: Record<string, unknown>, tokens: OAuth2TokenPlacement): boolean {
    const expiresAt = expiresAtOf(config, tokens);
    return expiresAt !== null && expiresAt - this.now() / 1000 < REFRESH_MARGIN_SECONDS;
  }

  /**
   * A refresh the endpoint refused is the tenant's to fix (link again): the link's health becomes
   * invalid, with an INVALID connection event the first time.
   */
  private async failed(key: LinkKey, error: unknown): Promise<never> {
    const code = isSinewError(error) && typeof error.details.oauth_error === 'string' ? error.details.oauth_error : null;
    if (code !== null && !NOT_ABOUT_CREDENTIALS.has(code) && isSinewError(error))
      await this.markRejected(key, { code, message: error.message });
    throw error;
  }

  /** Health invalid with `reason` and an INVALID event, in one transaction; false when it already was. */
  private markInvalid(key: LinkKey, reason: { code: string; message: string }): Promise<boolean> {
    return this.store.transaction(
      async (tx) => (await changeLinkHealth(tx, key, 'invalid', reason, new Date(this.now()).toISOString())) !== null,
    );
  }
}

const lockKeyOf = (key: LinkKey): string => `oauth-refresh:${linkKeyString(key)}`;
