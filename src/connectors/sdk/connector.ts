import type { Catalog } from '../../model/catalog.js';
import type { ConnectorDefinition } from '../../model/connector-definition.js';
import type { CheckOutcome } from '../../model/credential-check.js';
import type { AddressPolicy } from '../../outbound/address-policy.js';
import type { SingerMessage } from '../../singer/message.js';
import type { BatchWriterFactory } from './batch-writer.js';

/** Where a source puts its messages. `write` resolves when the consumer can take more (back-pressure). */
export interface MessageSink {
  write(message: SingerMessage): Promise<void> | void;
  /** Writes one message already serialized (a line without its newline), when the sink can. */
  writeRaw?(line: Buffer): Promise<void> | void;
}

export interface SourceContext {
  config: Record<string, unknown>;
  /** The catalog with Singer selection metadata; null means "every stream, every field". */
  catalog: Catalog | null;
  /** The incremental state from the last successful job (`{ bookmarks: { <stream>: {...} } }`). */
  state: Record<string, unknown>;
  out: MessageSink;
  /** Human-readable progress; goes to stderr, never to the message stream. */
  log(message: string): void;
  /** What the source may connect to (src/outbound); absent: nothing but public addresses. */
  addressPolicy?: AddressPolicy;
}

export interface TargetContext {
  config: Record<string, unknown>;
  /** Emits a STATE message on stdout once everything before it is durably written. */
  emitState(value: Record<string, unknown>): Promise<void> | void;
  log(message: string): void;
  /** What the target may connect to (src/outbound); absent: nothing but public addresses. */
  addressPolicy?: AddressPolicy;
}

export interface SourceConnector {
  /** `addressPolicy`: what discovering may connect to; absent: nothing but public addresses. */
  discover(config: Record<string, unknown>, addressPolicy?: AddressPolicy): Promise<Catalog>;
  sync(ctx: SourceContext): Promise<void>;
}

export interface TargetConnector {
  /** Consumes the whole message stream; resolves when every record is written. */
  write(ctx: TargetContext, messages: AsyncIterable<SingerMessage>): Promise<void>;
}

/** A connector that ships with Sinew, written against this SDK. */
export interface BuiltinConnector {
  definition: Omit<ConnectorDefinition, 'builtin' | 'runtime'>;
  source?: SourceConnector;
  target?: TargetConnector;
  /** Write targets: the batch writer behind `target`, which real-time writes also run in-process. */
  writer?: BatchWriterFactory;
  /**
   * The hosts a config makes the connector connect to, by config field: what a link is checked
   * against the outbound address policy with, before anything connects (outbound-hosts.ts).
   */
  outboundHosts?(config: Record<string, unknown>): OutboundHost[];
  /**
   * Reads or writes the server's own files at `config.path`: a tenant's path is confined to its
   * folder under the environment's files root (src/connectors/file-confinement.ts).
   */
  localFiles?: boolean;
  /**
   * Whether a config's credentials work, asked of the connector's system before a link is saved and
   * by `…/check` (src/links/credential-checker.ts). Absent: nothing is checked.
   */
  check?(config: Record<string, unknown>, addressPolicy: AddressPolicy): Promise<CheckOutcome>;
}

/** A host (name, IP literal or Unix socket path) a connector will connect to, and the config field it comes from. */
export interface OutboundHost {
  field: string;
  host: string;
}
