import { createHmac, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { apiKeyRow, hashApiKey } from '../crypto/api-key.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { invalid, notFound, SinewError } from '../errors/sinew-error.js';
import { brandOf, widgetSettings } from '../settings/widget-settings.js';
import type { Store } from '../store/store.js';
import { checkTenantId } from './tenant-id.js';
import { issueTenantToken } from './tenant-tokens.js';

export const DEFAULT_MAGIC_LINK_TTL_SECONDS = 24 * 3600;
export const MAX_MAGIC_LINK_TTL_SECONDS = 7 * 24 * 3600;
/** How long the connect page's tenant session lasts once the link is opened. */
export const CONNECT_SESSION_TTL_SECONDS = 3600;
/** Magic links share the single-use, expiring rows of pending OAuth authorizations, under this prefix. */
const ROW_PREFIX = 'connect:';
const TOKEN_TYPE = 'sinew-connect';

export interface MagicLinkInput {
  tenant: string;
  flow_id?: string;
  connector_id?: string;
  expires_in?: number;
}

export interface MagicLink {
  url: string;
  expires_at: string;
  tenant: string;
  flow_id: string | null;
  connector_id: string | null;
}

/** What the stored row keeps: who the link is for and what it is locked to. */
interface PendingConnect {
  tenant: string;
  flow_id: string | null;
  connector_id: string | null;
}

/** What the connect page gets for a magic link: a tenant session, never the owner's key. */
export interface ConnectSession {
  env_id: string;
  tenant: string;
  public_key: string;
  token: string;
  expires_in: number;
  flow_id: string | null;
  connector_id: string | null;
  brand: ReturnType<typeof brandOf>;
}

/**
 * Magic links (issue #16): the owner asks for a URL to Sinew's hosted connect page for one tenant;
 * the URL carries a signed token (in its fragment, so it reaches no server log or Referer) that the
 * page exchanges once, before it expires, for a tenant session: the public key of the page and a
 * tenant token. Single use is the store's: the row is taken by the first exchange only.
 */
export class MagicLinkService {
  private readonly signingKey: Uint8Array;
  private readonly pageKeySecret: Uint8Array;

  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
  ) {
    this.signingKey = box.deriveKey('magic-link');
    this.pageKeySecret = box.deriveKey('connect-page-public-key');
  }

  async create(envId: string, baseUrl: string, input: MagicLinkInput): Promise<MagicLink> {
    checkTenantId(input.tenant);
    const ttl = input.expires_in ?? DEFAULT_MAGIC_LINK_TTL_SECONDS;
    const flowId = input.flow_id ?? null;
    const connectorId = input.connector_id ?? null;
    if (connectorId !== null && flowId === null)
      throw invalid('connector_id needs flow_id: a connector is linked in a flow', { field: 'connector_id' });
    if (flowId !== null) {
      const flow = await this.store.flows.get(envId, flowId);
      if (!flow) throw notFound('flow', { flow_id: flowId });
      if (connectorId !== null && flow.connectors.length > 0 && !flow.connectors.includes(connectorId)) {
        throw new SinewError('CONNECTOR_NOT_SUPPORTED', `flow ${flowId} does not offer connector ${connectorId}`, {
          supported: flow.connectors,
        });
      }
    }
    const jti = randomBytes(24).toString('base64url');
    const now = Date.now();
    const expiresAt = now + ttl * 1000;
    // Expired links go with whoever makes the next one or starts an authorization: no sweeper.
    await this.store.oauth.pruneStates(now);
    const pending: PendingConnect = { tenant: input.tenant, flow_id: flowId, connector_id: connectorId };
    await this.store.oauth.insertState(ROW_PREFIX + jti, envId, expiresAt, pending);
    const token = await new SignJWT({ env: envId, typ: TOKEN_TYPE })
      .setProtectedHeader({ alg: 'HS256' })
      .setJti(jti)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(this.signingKey);
    return {
      url: `${baseUrl}/connect#${token}`,
      expires_at: new Date(expiresAt).toISOString(),
      tenant: input.tenant,
      flow_id: flowId,
      connector_id: connectorId,
    };
  }

  /** Takes a magic link once: a forged, expired or already used one is 401, all alike. */
  async exchange(token: string): Promise<ConnectSession> {
    const refused = new SinewError('UNAUTHORIZED', 'this connect link is not valid, has expired or was already used: ask for a new one');
    let claims: { jti: string; env: string };
    try {
      const { payload: p } = await jwtVerify(token, this.signingKey, { algorithms: ['HS256'] });
      if (p.typ !== TOKEN_TYPE || typeof p.jti !== 'string' || typeof p.env !== 'string') throw refused;
      claims = { jti: p.jti, env: p.env };
    } catch {
      throw refused;
    }
    const pending = await this.store.oauth.takeState<PendingConnect>(ROW_PREFIX + claims.jti, Date.now());
    const env = pending ? await this.store.environments.get(claims.env) : undefined;
    if (!pending || !env) throw refused;
    const tenantToken = await issueTenantToken(this.store, this.box, claims.env, pending.tenant, CONNECT_SESSION_TTL_SECONDS);
    return {
      env_id: claims.env,
      tenant: pending.tenant,
      public_key: await this.pagePublicKey(claims.env),
      token: tenantToken,
      expires_in: CONNECT_SESSION_TTL_SECONDS,
      flow_id: pending.flow_id,
      connector_id: pending.connector_id,
      brand: brandOf(widgetSettings(env.settings)),
    };
  }

  /**
   * The connect page's public key: derived from the secret key and the environment, so it never
   * has to be stored in clear, and registered (by its hash, like every key) the first time it is
   * needed. It is a public key: alone it opens nothing, and the owner may revoke it like any other.
   */
  private async pagePublicKey(envId: string): Promise<string> {
    const key = `pk_${createHmac('sha256', this.pageKeySecret).update(envId, 'utf8').digest('base64url').slice(0, 32)}`;
    if (!(await this.store.apiKeys.get(hashApiKey(key))))
      await this.store.apiKeys.put(apiKeyRow(envId, 'public', key, 'hosted connect page (magic links)'));
    return key;
  }
}
