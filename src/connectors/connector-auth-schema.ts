import { invalid } from '../errors/sinew-error.js';
import type { ConnectorAuth } from '../model/connector-auth.js';

const fieldName = { type: 'string', minLength: 1, maxLength: 100 } as const;
const httpUrl = { type: 'string', minLength: 1, maxLength: 2000, pattern: '^https?://' } as const;

/** The `auth` section of a connector definition, as registered and as answered (issue #15). */
export const connectorAuthSchema = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: ['none', 'fields', 'oauth2'] },
    authorization_url: httpUrl,
    token_url: httpUrl,
    scopes: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 200 } },
    pkce: { type: 'boolean', description: 'PKCE S256 on every authorization; default true.' },
    authorize_params: {
      type: 'object',
      additionalProperties: { type: 'string', maxLength: 2000 },
      description: 'Added to the authorization URL as they are.',
    },
    tokens: {
      type: 'object',
      required: ['access_token'],
      additionalProperties: false,
      description: 'Which config fields receive the token response.',
      properties: {
        access_token: fieldName,
        refresh_token: fieldName,
        expires_at: { ...fieldName, description: 'Receives the expiry in epoch seconds.' },
        extra: { type: 'object', additionalProperties: fieldName, description: 'Token response field → config field (e.g. instance_url).' },
      },
    },
  },
} as const;

/** Parameters the flow itself sets: an owner's extra parameter must not replace them. */
const RESERVED_PARAMS = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'state',
  'scope',
  'code_challenge',
  'code_challenge_method',
]);

/** A registered `auth` section with its defaults filled in; an oauth2 section must say where to go. */
export function normalizeConnectorAuth(input: Record<string, unknown> | undefined): ConnectorAuth | undefined {
  if (input === undefined) return undefined;
  if (input.type !== 'oauth2') return { type: input.type as 'none' | 'fields' };
  const missing = ['authorization_url', 'token_url', 'tokens'].filter((f) => input[f] === undefined);
  if (missing.length > 0) throw invalid(`auth of type oauth2 needs ${missing.join(', ')}`, { fields: missing.map((f) => `auth.${f}`) });
  const params = (input.authorize_params ?? {}) as Record<string, string>;
  const reserved = Object.keys(params).filter((p) => RESERVED_PARAMS.has(p));
  if (reserved.length > 0)
    throw invalid(`auth.authorize_params may not set ${reserved.join(', ')}: Sinew sets them`, {
      fields: reserved.map((p) => `auth.authorize_params.${p}`),
    });
  return {
    type: 'oauth2',
    authorization_url: input.authorization_url as string,
    token_url: input.token_url as string,
    scopes: (input.scopes ?? []) as string[],
    pkce: input.pkce !== false,
    authorize_params: params,
    tokens: input.tokens as never,
  };
}
