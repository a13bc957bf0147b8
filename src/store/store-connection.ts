import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';

/** Where the queries go: the root Kysely instance, or one open transaction. */
export type Connection = () => Kysely<Database>;
