import type { Logger } from 'pino';
import { getBuiltinConnector } from '../connectors/builtin/registry.js';
import { hostEnvironment } from '../connectors/connector-environment.js';
import {
  type AccessTokenSource,
  heldTokenIn,
  type LinkTokenBackend,
  RefreshingTokenSource,
  tokenFieldsOf,
} from '../connectors/sdk/access-token.js';
import type { LinkKey } from '../model/link.js';
import type { ConnectorUser } from '../runtime/connector-user.js';
import { BatchRecordWriter } from './batch-record-writer.js';
import type { RealtimeTarget } from './realtime-target.js';
import type { RecordWriter } from './record-writer.js';
import { SingerRecordWriter } from './singer-record-writer.js';

const IDLE_MS = 5 * 60_000;
const MAX_WARM = 256;

interface Warm {
  writer: RecordWriter;
  lastUsed: number;
  /** Writes in progress: an idle writer is closed only when none is. */
  busy: number;
}

/**
 * Warm writers for real-time writes, one per (tenant target, config): a built-in target's batch
 * writer keeps its connections between requests. Idle ones are closed after 5 minutes, the least
 * recently used when there are too many; a changed config makes a new one.
 */
export class RealtimeWriters {
  private readonly warm = new Map<string, Warm>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    /** SINEW_CONNECTOR_USER: registered targets write as this account. */
    private readonly connectorUser: ConnectorUser | null = null,
    /** The link's tokens as a write goes (access-token.ts); absent: the config's token as it is. */
    private readonly linkTokens?: (key: LinkKey) => LinkTokenBackend,
  ) {
    this.sweeper = setInterval(() => this.sweep(Date.now() - IDLE_MS), 60_000);
    this.sweeper.unref();
  }

  /** Runs fn with the target's writer, which stays open while fn runs. */
  async with<T>(target: RealtimeTarget, fn: (writer: RecordWriter) => Promise<T>): Promise<T> {
    let entry = this.warm.get(target.cacheKey);
    if (!entry) {
      entry = { writer: this.open(target), lastUsed: Date.now(), busy: 0 };
      this.warm.set(target.cacheKey, entry);
      if (this.warm.size > MAX_WARM) this.evictOldest();
    }
    entry.busy++;
    try {
      return await fn(entry.writer);
    } finally {
      entry.busy--;
      entry.lastUsed = Date.now();
    }
  }

  private open(target: RealtimeTarget): RecordWriter {
    const builtin = getBuiltinConnector(target.connectorId);
    const log = (message: string) =>
      this.logger.info({ env_id: target.envId, tenant: target.tenant, connector_id: target.connectorId }, message);
    if (builtin?.writer)
      return new BatchRecordWriter(builtin.writer(target.config, log, target.addressPolicy, this.tokensOf(target) ?? undefined));
    const runtime = target.definition.runtime;
    if (runtime.runtime !== 'singer') throw new Error(`internal: built-in ${target.connectorId} has no writer`);
    return new SingerRecordWriter(
      runtime.command,
      target.config,
      {
        ...hostEnvironment(),
        TENANT: target.tenant,
        FLOW: target.flowId,
        ENV_ID: target.envId,
        JOB_TYPE: 'write',
        CONNECTOR_ID: target.connectorId,
        TARGET: target.connectorId,
      },
      this.connectorUser,
    );
  }

  /** A tenant link's token, refreshed as the writer goes; the owner's own target keeps its config's. */
  private tokensOf(target: RealtimeTarget): AccessTokenSource | null {
    const fields = tokenFieldsOf(target.definition);
    const held = fields ? heldTokenIn(target.config, fields) : null;
    return target.link && this.linkTokens && held ? new RefreshingTokenSource(held, this.linkTokens(target.link)) : null;
  }

  private evictOldest(): void {
    const [oldest] = [...this.warm].filter(([, w]) => w.busy === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    if (oldest) this.drop(...oldest);
  }

  private sweep(before: number): void {
    for (const [key, w] of this.warm) if (w.busy === 0 && w.lastUsed < before) this.drop(key, w);
  }

  private drop(key: string, w: Warm): void {
    this.warm.delete(key);
    w.writer.close().catch((e: Error) => this.logger.warn({ err: e.message }, 'could not close a real-time writer'));
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.warm.values()];
    this.warm.clear();
    await Promise.allSettled(all.map((w) => w.writer.close()));
  }
}
