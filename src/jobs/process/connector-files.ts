import fs from 'node:fs/promises';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { stringifyJson } from '../../singer/lossless-json.js';
import { redactConfig } from '../../connectors/config-redaction.js';
import type { PlannedConnector } from '../job-plan.js';
import { createJobSecretsDir } from '../job-secrets-dir.js';

/**
 * Connector configs in clear live only in the job's private folder (job-secrets-dir.ts) for the
 * job's lifetime; the job root keeps a redacted copy (job artifacts never hold credentials).
 */
export class SecretFiles {
  private readonly removeOnExit = (): void => rmSync(this.dir, { recursive: true, force: true });

  private constructor(
    readonly dir: string,
    private readonly owner: { uid: number; gid: number },
  ) {
    // A cancel (SIGTERM), a lost worker ('disconnect') or a lapsed lease end this process with
    // process.exit(), which skips every `finally`; 'exit' still runs, synchronously.
    process.once('exit', this.removeOnExit);
  }

  /** The folder the worker made for this run (plan.secretsDir), or a new one when none was given. */
  static async open(dir: string | undefined, jobId: string): Promise<SecretFiles> {
    const folder = dir ?? createJobSecretsDir(jobId);
    const st = await fs.stat(folder);
    return new SecretFiles(folder, { uid: st.uid, gid: st.gid });
  }

  async writeConfig(name: string, connector: PlannedConnector, jobRoot: string, redactedName: string): Promise<string> {
    const file = path.join(this.dir, name);
    await fs.writeFile(file, stringifyJson(connector.config), { mode: 0o600 });
    // Readable by whoever owns the folder: the connector user when Sinew drops to one.
    if (process.getuid?.() === 0 && this.owner.uid !== 0) await fs.chown(file, this.owner.uid, this.owner.gid);
    const redacted = redactConfig(connector.config, connector.config_schema);
    await fs.writeFile(path.join(jobRoot, redactedName), `${stringifyJson(redacted)}\n`);
    return file;
  }

  /** A copy of a job file in this folder, for a connector that cannot read the job root (connector-identity.ts). */
  async copyIn(file: string): Promise<string> {
    const copy = path.join(this.dir, `shared-${path.basename(file)}`);
    await fs.copyFile(file, copy);
    if (process.getuid?.() === 0 && this.owner.uid !== 0) await fs.chown(copy, this.owner.uid, this.owner.gid);
    return copy;
  }

  async dispose(): Promise<void> {
    process.removeListener('exit', this.removeOnExit);
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
