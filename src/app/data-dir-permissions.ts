import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';

/**
 * The data dir holds secret.key and every environment's files: only Sinew's account may enter it
 * (0700), the key is 0600. A connector run as SINEW_CONNECTOR_USER, or any other local user,
 * then reads none of it. A dir Sinew does not own (a volume mounted for it) is left as it is,
 * with a warning: refusing to start would be worse than the mode the operator chose.
 */
export async function restrictDataDir(dataDir: string, logger: Logger): Promise<void> {
  for (const [file, mode] of [
    [dataDir, 0o700],
    [path.join(dataDir, 'secret.key'), 0o600],
  ] as const) {
    try {
      const st = await fs.stat(file);
      if ((st.mode & 0o777) !== mode) await fs.chmod(file, mode);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT')
        logger.warn({ file, code }, `could not make ${file} private (mode ${mode.toString(8)}): other local users may read it`);
    }
  }
}
