import fs from 'node:fs/promises';
import path from 'node:path';
import { type ConnectorUser, connectorSpawnIdentity } from './connector-user.js';
import { ownedName, privateTempRoot, sweepGone } from './private-temp-root.js';

/**
 * The working folder of a registered connector run outside a job — a probe at registration, a
 * discover, a real-time write — with its config in clear: `<tmp>/sinew-<uid>/runs/…`, 0700, owned
 * by SINEW_CONNECTOR_USER when there is one (the connector runs as it), removed when the run ends
 * and, if this process died first, by the next start's sweep.
 */
const AREA = 'runs';

export class ConnectorRunDir {
  private constructor(
    readonly dir: string,
    private readonly user: ConnectorUser | null,
  ) {}

  static async open(label: string, user: ConnectorUser | null): Promise<ConnectorRunDir> {
    const dir = path.join(privateTempRoot(AREA), ownedName(label));
    await fs.mkdir(dir, { mode: 0o700 });
    if (user) await fs.chown(dir, user.uid, user.gid);
    return new ConnectorRunDir(dir, user);
  }

  /** A file only the connector (and Sinew) may read: its config. */
  async writePrivate(name: string, text: string): Promise<string> {
    const file = path.join(this.dir, name);
    await fs.writeFile(file, text, { mode: 0o600 });
    if (this.user) await fs.chown(file, this.user.uid, this.user.gid);
    return file;
  }

  /** Spawn options: this folder as cwd, and the connector user's ids and names when there is one. */
  spawnOptions(env: Record<string, string>): { cwd: string; env: Record<string, string>; uid?: number; gid?: number } {
    return { cwd: this.dir, ...connectorSpawnIdentity(this.user, env) };
  }

  async dispose(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Removes the run folders of processes that are gone (at start-up); returns how many. */
export function sweepConnectorRunDirs(): number {
  return sweepGone(AREA);
}
