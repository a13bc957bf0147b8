/** Who is calling: the environment owner (environment key) or one tenant (public key + tenant token). */
export type Principal = { env_id: string; kind: 'environment' } | { env_id: string; kind: 'tenant'; tenant: string };
