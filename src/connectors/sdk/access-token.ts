import { isOAuth2 } from '../../model/connector-auth.js';
import type { ConnectorDefinition } from '../../model/connector-definition.js';

/**
 * Where a built-in connector gets the bearer token it sends, asked per request (issue #15). A job
 * or a real-time write may outlive the token it started with; asking per call lets a long run pick
 * up a refreshed token, and lets a 401 be answered with one refresh instead of failing the run.
 */
export interface AccessTokenSource {
  /** The token to send now: refreshed first when it is about to expire. */
  current(): Promise<string>;
  /**
   * The remote system refused `token` (401). Returns the token to try once more, or null when
   * there is none: the link's health is then invalid and the write cannot go on.
   */
  rejected(token: string, why: string): Promise<string | null>;
}

/** A token as the link holds it: its value and expiry (epoch seconds; null: never said to expire). */
export interface HeldToken {
  access_token: string;
  expires_at: number | null;
}

/**
 * What keeps a link's tokens: the worker for a job process (over IPC), the token refresher for a
 * real-time write in the API process. It refreshes under the link's lock and answers the stored
 * token when another caller refreshed first.
 */
export interface LinkTokenBackend {
  /** A newer token than `have`, or null when the link cannot refresh (no OAuth, no refresh token, refused). */
  refresh(have: string, reason: 'expiring' | 'rejected'): Promise<HeldToken | null>;
  /** The system refused the link's credentials for good: mark the link invalid (an INVALID event). */
  invalid(message: string): Promise<void>;
}

/** A token that never changes: a typed credential, or a context without a link (tests, the CLI). */
export const fixedToken = (token: string): AccessTokenSource => ({ current: async () => token, rejected: async () => null });

/** Never more than this before expiry: enough for a connector's call to land (token-refresher.ts uses it too). */
export const IN_RUN_MARGIN_SECONDS = 300;

/**
 * The token source of a run that holds a link's token: proactive refresh when less than
 * min(IN_RUN_MARGIN_SECONDS, half the lifetime the token had when received) remains — so a token
 * that lives an hour is renewed five minutes early and one that lives two seconds a second early —
 * and one refresh after a 401. A token received in answer to a 401 that is refused again makes the
 * link invalid. Concurrent callers share one refresh.
 */
export class RefreshingTokenSource implements AccessTokenSource {
  private held: HeldToken;
  private lifetime: number | null;
  private inFlight: Promise<HeldToken | null> | null = null;
  /** Tokens received in answer to a rejection: a second 401 on one of them is final. */
  private readonly afterRejection = new Set<string>();
  private dead: string | null = null;

  constructor(
    initial: HeldToken,
    private readonly backend: LinkTokenBackend,
    private readonly now: () => number = Date.now,
  ) {
    this.held = initial;
    this.lifetime = this.remaining(initial);
  }

  private remaining(t: HeldToken): number | null {
    return t.expires_at === null ? null : t.expires_at - this.now() / 1000;
  }

  async current(): Promise<string> {
    if (this.dead !== null) throw new Error(this.dead);
    const left = this.remaining(this.held);
    const margin = Math.min(IN_RUN_MARGIN_SECONDS, (this.lifetime ?? 0) / 2);
    if (left !== null && left < margin) await this.renew(this.held.access_token, 'expiring').catch(() => null);
    return this.held.access_token;
  }

  async rejected(token: string, why: string): Promise<string | null> {
    if (this.dead !== null) return null;
    // Someone already has a newer one: try that first.
    if (token !== this.held.access_token) return this.held.access_token;
    if (this.afterRejection.has(token)) return this.giveUp(why);
    const next = await this.renew(token, 'rejected').catch(() => null);
    if (next === null) return this.giveUp(why);
    this.afterRejection.add(next.access_token);
    return next.access_token;
  }

  private async giveUp(why: string): Promise<null> {
    if (this.dead === null) {
      this.dead = `the access token was refused${this.afterRejection.size > 0 ? ' again after a refresh' : ''}: ${why}`;
      await this.backend.invalid(this.dead);
    }
    return null;
  }

  private renew(have: string, reason: 'expiring' | 'rejected'): Promise<HeldToken | null> {
    this.inFlight ??= this.backend
      .refresh(have, reason)
      .then((next) => {
        if (next !== null) {
          this.held = next;
          this.lifetime = this.remaining(next);
        }
        return next;
      })
      .finally(() => (this.inFlight = null));
    return this.inFlight;
  }
}

/** The config fields of a link's bearer token: where an OAuth connector's token response is placed. */
export interface TokenFields {
  access_token: string;
  expires_at?: string;
}

/**
 * Where a built-in connector's bearer token is in a link's config: its OAuth placement, or
 * `access_token` (a typed token, which is never refreshed but whose refusal still marks the link).
 */
export function tokenFieldsOf(def: Pick<ConnectorDefinition, 'auth' | 'runtime'>): TokenFields | null {
  if (def.runtime.runtime !== 'builtin') return null;
  if (!isOAuth2(def.auth)) return { access_token: 'access_token' };
  return { access_token: def.auth.tokens.access_token, ...(def.auth.tokens.expires_at ? { expires_at: def.auth.tokens.expires_at } : {}) };
}

/** The access token and expiry a config holds, or null when it holds no access token. */
export function heldTokenIn(config: Record<string, unknown>, fields: TokenFields): HeldToken | null {
  const access = config[fields.access_token];
  if (typeof access !== 'string' || access === '') return null;
  // Number(): an expiry read back as lossless JSON is a LosslessNumber.
  const expiresAt = fields.expires_at !== undefined && config[fields.expires_at] !== undefined ? Number(config[fields.expires_at]) : NaN;
  return { access_token: access, expires_at: Number.isFinite(expiresAt) ? expiresAt : null };
}
