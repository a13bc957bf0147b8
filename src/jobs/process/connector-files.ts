import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringifyJson } from '../../singer/lossless-json.js';
import { redactConfig } from '../../connectors/config-redaction.js';
import type { PlannedConnector } from '../job-plan.js';

/**
 * Connector configs in clear live only in a private temp directory for the job's lifetime; the job
 * root keeps a redacted copy (job artifacts never hold credentials).
 */
export class SecretFiles {
  private constructor(readonly dir: string) {}

  static async create(): Promise<SecretFiles> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-job-'));
    await fs.chmod(dir, 0o700);
    return new SecretFiles(dir);
  }

  async writeConfig(name: string, connector: PlannedConnector, jobRoot: string, redactedName: string): Promise<string> {
    const file = path.join(this.dir, name);
    await fs.writeFile(file, stringifyJson(connector.config), { mode: 0o600 });
    const redacted = redactConfig(connector.config, connector.config_schema);
    await fs.writeFile(path.join(jobRoot, redactedName), `${stringifyJson(redacted)}\n`);
    return file;
  }

  async dispose(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
