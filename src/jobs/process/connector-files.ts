import { rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { redactConfig } from '../../crypto/config-redaction.js';
import { parseJson, stringifyJson } from '../../singer/lossless-json.js';
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

  /** The configs as the connectors left them (null when a file is gone or not a JSON object). */
  async readLeft(): Promise<{ source: Record<string, unknown> | null; target: Record<string, unknown> | null }> {
    const read = async (name: string): Promise<Record<string, unknown> | null> => {
      try {
        const value: unknown = parseJson(await fs.readFile(path.join(this.dir, name), 'utf8'));
        return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
      } catch {
        return null;
      }
    };
    return { source: await read('config.json'), target: await read('target-config.json') };
  }

  async dispose(): Promise<void> {
    process.removeListener('exit', this.removeOnExit);
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
