import type { AccessTokenSource } from '../../connectors/sdk/access-token.js';
import type { BatchWriterFactory } from '../../connectors/sdk/batch-writer.js';
import type { AddressPolicy } from '../../outbound/address-policy.js';

/** A built-in write target to run inside the job process. */
export interface InProcessWriter {
  connectorId: string;
  factory: BatchWriterFactory;
  /** Its config in clear (it never leaves the job process). */
  config: Record<string, unknown>;
  /** The environment's outbound address policy, from the plan. */
  addressPolicy: AddressPolicy;
  /** The link's token as the run goes (target-run.ts); absent: the config's token as it is. */
  tokens?: AccessTokenSource;
}
