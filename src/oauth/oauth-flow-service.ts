import { randomBytes } from 'node:crypto';
import { openJson, sealJson } from '../crypto/sealed-json.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { invalid, isSinewError } from '../errors/sinew-error.js';
import type { OutboxNotifier } from '../events/outbox-notifier.js';
import { type ConnectionEventError, recordConnectionEvent } from '../links/connection-event.js';
import type { LinkService } from '../links/link-service.js';
import type { ConfigSetter, LinkKey } from '../model/link.js';
import { environmentAddressPolicy } from '../settings/environment-settings.js';
import type { Store } from '../store/store.js';
import { type OAuthApp, type OAuthAppService, returnUrlAllowed } from './oauth-app-service.js';
import { type OAuthStateClaims, STATE_TTL_SECONDS, signState, verifyState } from './oauth-state-token.js';
import { pkcePair } from './pkce.js';
import { requestTokens } from './token-endpoint.js';
import { placeTokens } from './token-placement.js';

export interface OAuthStartInput {
  /** The link's other config fields (e.g. a base URL); the tokens are Sinew's to place. */
  config?: Record<string, unknown>;
  /** Where to send the user afterwards; must start with one of the OAuth app's return_urls. */
  return_url?: string;
}

/** The authorization started: where to send the user, and until when the state holds. */
export interface OAuthStarted {
  authorization_url: string;
  expires_at: string;
}

/** A pending authorization as stored (oauth_states): the secret parts sealed. */
interface PendingAuthorization {
  set_by: ConfigSetter;
  return_url: string | null;
  /** sealJson of { verifier, config }: the PKCE verifier and the tenant's config may hold secrets. */
  sealed: string;
  /** The tenant's token generation at start: a tenant deleted meanwhile is not re-created. */
  token_generation: string | null;
}

/** How an authorization ended, for the user: never a token, never a secret. */
export interface OAuthOutcome {
  ok: boolean;
  /** `linked`, or why not: `access_denied`, `invalid_state`, `state_used_or_expired`, a token endpoint error code, … */
  code: string;
  message: string;
  env_id?: string;
  flow_id?: string;
  tenant?: string;
  connector_id?: string;
  return_url: string | null;
  /** Origins the widget's pop-up page may post the outcome to (the OAuth app's return URLs). */
  opener_origins: string[];
}

const fail = (code: string, message: string, extra: Partial<OAuthOutcome> = {}): OAuthOutcome => ({
  ok: false,
  code,
  message,
  return_url: null,
  opener_origins: [],
  ...extra,
});

/** A code the provider sent (`error=`) as we repeat it: its own charset only, so it can carry nothing else. */
const providerCode = (value: unknown): string =>
  typeof value === 'string' && /^[\w.-]{1,64}$/.test(value) ? value : 'authorization_failed';

/**
 * The OAuth 2.0 authorization code flow with PKCE (issue #15): `start` makes a signed single-use
 * state and the provider's URL; `callback` takes the state once, exchanges the code at the token
 * endpoint (through the outbound address policy) and links the tenant with the tokens sealed.
 * Every ending is an outcome for the user and, when the state names a link, a connection event.
 */
export class OAuthFlowService {
  private readonly stateKey: Uint8Array;

  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    private readonly apps: OAuthAppService,
    private readonly links: LinkService,
    private readonly outbox: OutboxNotifier | undefined,
    private readonly allowLoopback: boolean,
  ) {
    this.stateKey = box.deriveKey('oauth-state');
  }

  async start(
    envId: string,
    flowId: string,
    tenant: string,
    connectorId: string,
    setBy: ConfigSetter,
    input: OAuthStartInput,
  ): Promise<OAuthStarted> {
    // A config the link would refuse is refused now, not after the user consented.
    const role = await this.links.precheck(envId, flowId, tenant, connectorId, input.config ?? {}, setBy);
    const app = await this.apps.open(envId, connectorId);
    const returnUrl = input.return_url ?? null;
    if (returnUrl !== null && !returnUrlAllowed(returnUrl, app.returnUrls)) {
      throw invalid("return_url is not one of the OAuth app's return_urls", { field: 'return_url' });
    }
    // The tokens are placed by the callback; a config that names them would only be overwritten.
    const config = { ...(input.config ?? {}) };
    for (const field of [app.auth.tokens.access_token, app.auth.tokens.refresh_token, app.auth.tokens.expires_at])
      if (field) delete config[field];
    const generation = (await this.store.tenants.get(envId, tenant))?.token_generation ?? null;
    const pkce = pkcePair();
    const jti = randomBytes(24).toString('base64url');
    const now = Date.now();
    const expiresAt = now + STATE_TTL_SECONDS * 1000;
    // Expired authorizations are cleared by whoever starts the next one: no sweeper needed.
    await this.store.oauth.pruneStates(now);
    const pending: PendingAuthorization = {
      set_by: setBy,
      return_url: returnUrl,
      sealed: sealJson(this.box, { verifier: pkce.verifier, config }),
      token_generation: setBy === 'tenant' ? generation : null,
    };
    await this.store.oauth.insertState(jti, envId, expiresAt, pending);
    const state = await signState(this.stateKey, { jti, env: envId, flow: flowId, tenant, role, connector: connectorId });
    const url = new URL(app.auth.authorization_url);
    const params: Record<string, string> = {
      ...app.auth.authorize_params,
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: app.redirectUri,
      state,
    };
    if (app.auth.scopes.length > 0) params.scope = app.auth.scopes.join(' ');
    if (app.auth.pkce) Object.assign(params, { code_challenge: pkce.challenge, code_challenge_method: 'S256' });
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return { authorization_url: url.toString(), expires_at: new Date(expiresAt).toISOString() };
  }

  /** Ends an authorization; never throws: every failure is an outcome. */
  async callback(query: Record<string, unknown>): Promise<OAuthOutcome> {
    const claims = typeof query.state === 'string' ? await verifyState(this.stateKey, query.state) : null;
    if (!claims) return fail('invalid_state', 'This sign-in link is not valid or has expired. Start linking again.');
    const key: LinkKey = {
      env_id: claims.env,
      flow_id: claims.flow,
      tenant: claims.tenant,
      role: claims.role,
      connector_id: claims.connector,
    };
    const names = { env_id: key.env_id, flow_id: key.flow_id, tenant: key.tenant, connector_id: key.connector_id };
    let returnUrl: string | null = null;
    let openerOrigins: string[] = [];
    const failed = async (error: ConnectionEventError): Promise<OAuthOutcome> => {
      await this.recordFailure(key, error);
      return fail(error.code, error.message, { ...names, return_url: returnUrl, opener_origins: openerOrigins });
    };
    try {
      const pending = await this.store.oauth.takeState<PendingAuthorization>(claims.jti, Date.now());
      if (!pending)
        return await failed({
          code: 'state_used_or_expired',
          message: 'This sign-in was already completed or has expired. Start linking again.',
        });
      returnUrl = pending.return_url;
      const app = await this.apps.open(key.env_id, key.connector_id);
      // Sinew's own origin too (the redirect URI's): the hosted connect page of a magic link opens pop-ups.
      openerOrigins = [...new Set([...app.returnUrls, app.redirectUri].map((u) => new URL(u).origin))];
      if (query.error !== undefined) {
        const code = providerCode(query.error);
        return await failed({
          code,
          message: code === 'access_denied' ? 'Access was not granted, so nothing was linked.' : `The provider ended the sign-in: ${code}.`,
        });
      }
      if (typeof query.code !== 'string' || query.code === '')
        return await failed({ code: 'missing_code', message: 'The provider sent no authorization code.' });
      if (
        pending.token_generation !== null &&
        (await this.store.tenants.get(key.env_id, key.tenant))?.token_generation !== pending.token_generation
      ) {
        return await failed({ code: 'tenant_revoked', message: "The tenant's access was revoked while signing in; nothing was linked." });
      }
      const { verifier, config } = openJson<{ verifier: string; config: Record<string, unknown> }>(this.box, pending.sealed);
      await this.exchange(claims, app, query.code, verifier, config, pending.set_by);
      return {
        ok: true,
        code: 'linked',
        message: `${key.connector_id} is linked.`,
        ...names,
        return_url: returnUrl,
        opener_origins: openerOrigins,
      };
    } catch (e) {
      // The token endpoint's code (invalid_grant, …) or our error code; messages hold no token.
      const code = isSinewError(e) ? (typeof e.details.oauth_error === 'string' ? e.details.oauth_error : e.code) : 'INTERNAL';
      const message = isSinewError(e) ? e.message : 'Linking failed unexpectedly; it has been logged.';
      return failed({ code, message });
    }
  }

  /** Code → tokens → the link (LINK or OVERWRITE event, through LinkService's checks). */
  private async exchange(
    claims: OAuthStateClaims,
    app: OAuthApp,
    code: string,
    verifier: string,
    config: Record<string, unknown>,
    setBy: ConfigSetter,
  ): Promise<void> {
    const env = await this.store.environments.get(claims.env);
    const policy = environmentAddressPolicy(env?.settings ?? {}, this.allowLoopback, 'connectors');
    const params: Record<string, string> = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: app.redirectUri,
      client_id: app.clientId,
      client_secret: app.clientSecret,
    };
    if (app.auth.pkce) params.code_verifier = verifier;
    const tokens = await requestTokens(app.auth.token_url, params, policy);
    const linkedConfig = placeTokens(config, app.auth.tokens, tokens, Date.now());
    await this.links.put(claims.env, claims.flow, claims.tenant, claims.role, {
      connector_id: claims.connector,
      config: linkedConfig,
      set_by: setBy,
      health: 'ok',
    });
  }

  private async recordFailure(key: LinkKey, error: ConnectionEventError): Promise<void> {
    if (!(await this.store.environments.get(key.env_id))) return;
    await this.store.transaction((tx) => recordConnectionEvent(tx, key, 'OAUTH_FAILED', false, error));
    this.outbox?.notify();
  }
}
