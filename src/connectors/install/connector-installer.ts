import fs from 'node:fs/promises';
import { invalid, notFound } from '../../errors/sinew-error.js';
import type { ConnectorDefinition } from '../../model/connector-definition.js';
import type { ConnectorInstall } from '../../model/connector-install.js';
import type { ConnectorUser } from '../../runtime/connector-user.js';
import type { Store } from '../../store/store.js';
import { probeConnector } from '../probe/probe-connector.js';
import { InstallLog } from './install-log.js';
import { installDir } from './install-spec.js';
import { buildEnvironment } from './package-builders.js';
import { reprobed } from './probed-definition.js';

export interface InstallerOptions {
  dataDir: string;
  /** SINEW_PIP_FIND_LINKS (package-builders.ts). */
  pipFindLinks?: string | undefined;
  connectorUser?: ConnectorUser | null;
  /** Per step (venv, pip, npm, unpacking). Default 15 minutes. */
  stepTimeoutMs?: number;
}

/** How often the log tail is written to the store while an install runs. */
const LOG_FLUSH_MS = 1000;
/** Written last into a finished environment. */
const DONE_MARK = '.sinew-installed';

const lockKey = (envId: string, id: string): string => `connector-install\0${envId}\0${id}`;
const now = (): string => new Date().toISOString();

/**
 * Builds registered connectors' environments under the data dir, one install at a time per
 * connector (store.locks: across every process sharing the store). The status lives in the
 * definition, so it survives restarts; an install a restart interrupted is marked failed
 * (recoverInterrupted), never resumed half way.
 */
export class ConnectorInstaller {
  private readonly running = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly store: Store,
    private readonly opts: InstallerOptions,
  ) {}

  /** The folder of a connector's environment for its spec. */
  dirOf(envId: string, def: { id: string; install: ConnectorInstall }): string {
    return installDir(this.opts.dataDir, envId, def.id, def.install.hash);
  }

  /**
   * (Re)starts the install of a stored definition and answers with it as `installing`. A request
   * while this process installs it already joins that install: two requests, one install.
   */
  async start(envId: string, id: string): Promise<ConnectorDefinition> {
    const def = await this.store.connectors.get(envId, id);
    if (!def) throw notFound('connector', { connector_id: id });
    if (!def.install)
      throw invalid(`connector ${id} has no install spec: register it with install (pip, npm or path)`, { field: 'install' });
    const key = lockKey(envId, id);
    if (this.running.has(key)) return def;
    let release!: () => void;
    this.running.set(key, new Promise<void>((resolve) => (release = resolve)));
    try {
      const { started_at: _s, finished_at: _f, error: _e, ...kept } = def.install;
      const requested: ConnectorDefinition = { ...def, install: { ...kept, status: 'installing', requested_at: now(), log_tail: [] } };
      await this.store.connectors.put(envId, requested);
      void this.store.locks
        .withKeys([key], () => this.install(envId, id, requested.install!.requested_at))
        .catch(() => {})
        .finally(() => {
          this.running.delete(key);
          release();
        });
      return requested;
    } catch (e) {
      this.running.delete(key);
      release();
      throw e;
    }
  }

  /** Holding the connector's lock: builds, probes and records the outcome, unless a later request took over. */
  private async install(envId: string, id: string, requestedAt: string): Promise<void> {
    const current = await this.store.connectors.get(envId, id);
    if (!current?.install || current.install.requested_at !== requestedAt) return; // replaced or re-requested since
    const dir = this.dirOf(envId, { id, install: current.install });
    const log = new InstallLog();
    const save = (change: Partial<ConnectorInstall>, def?: ConnectorDefinition): Promise<boolean> =>
      this.save(envId, id, requestedAt, log, change, def);
    await save({ started_at: now() });
    const flusher = setInterval(() => {
      if (log.takeChanged()) void save({}).catch(() => {});
    }, LOG_FLUSH_MS);
    try {
      await fs.rm(dir, { recursive: true, force: true });
      await fs.mkdir(dir, { recursive: true, mode: 0o755 });
      await buildEnvironment(
        dir,
        current.install.spec,
        { pipFindLinks: this.opts.pipFindLinks, timeoutMs: this.opts.stepTimeoutMs ?? 15 * 60_000 },
        log,
        this.stopping.signal,
      );
      await fs.writeFile(`${dir}/${DONE_MARK}`, `${requestedAt}\n`);
    } catch (e) {
      clearInterval(flusher);
      log.note(`install failed: ${(e as Error).message}`);
      await save({ status: 'failed', finished_at: now(), error: (e as Error).message.slice(0, 500) });
      return;
    }
    clearInterval(flusher);
    if (current.runtime.runtime !== 'singer') return;
    const outcome = await probeConnector(current.runtime.command, { user: this.opts.connectorUser ?? null });
    log.note(`probed: ${outcome.note}`);
    await save({ status: 'installed', finished_at: now() }, reprobed(current, outcome, now()));
  }

  /** Writes the install's state (and the probed definition) unless the definition was replaced meanwhile. */
  private async save(
    envId: string,
    id: string,
    requestedAt: string,
    log: InstallLog,
    change: Partial<ConnectorInstall>,
    probed?: ConnectorDefinition,
  ): Promise<boolean> {
    const def = await this.store.connectors.get(envId, id);
    if (!def?.install || def.install.requested_at !== requestedAt) return false;
    const base = probed ? { ...probed, label: def.label, auth: def.auth, check: def.check } : def;
    await this.store.connectors.put(envId, stripUndefined({ ...base, install: { ...def.install, ...change, log_tail: log.tail() } }));
    return true;
  }

  /**
   * At start-up: installs still `installing` whose process is gone are marked failed. Taking the
   * connector's lock first waits for an install another process still runs.
   */
  async recoverInterrupted(): Promise<void> {
    const since = now();
    for (const env of await this.store.environments.list()) {
      for (const def of await this.store.connectors.list(env.env_id)) {
        if (def.install?.status !== 'installing' || def.install.requested_at > since) continue;
        const requestedAt = def.install.requested_at;
        await this.store.locks.withKeys([lockKey(env.env_id, def.id)], async () => {
          const log = new InstallLog();
          for (const line of def.install?.log_tail ?? []) log.note(line);
          log.note('the install was interrupted by a restart of Sinew: POST …/install to start it again');
          await this.save(env.env_id, def.id, requestedAt, log, {
            status: 'failed',
            finished_at: now(),
            error: 'interrupted by a restart',
          });
        });
      }
    }
  }

  /** Stops running installs (their processes are killed; they end failed) and waits for them. */
  async close(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.running.values());
  }
}

function stripUndefined(def: ConnectorDefinition): ConnectorDefinition {
  return Object.fromEntries(Object.entries(def).filter(([, v]) => v !== undefined)) as unknown as ConnectorDefinition;
}
