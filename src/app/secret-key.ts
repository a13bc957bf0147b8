import fs from 'node:fs/promises';
import path from 'node:path';
import { SecretBox } from '../crypto/secret-box.js';

/**
 * The key that seals credentials at rest: SINEW_SECRET_KEY when set (required for several processes
 * to share a database), otherwise one generated once and kept in the data dir (mode 0600).
 */
export async function loadSecretKey(dataDir: string, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const file = path.join(dataDir, 'secret.key');
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const key = SecretBox.generateSecret();
  await fs.writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  return (await fs.readFile(file, 'utf8')).trim();
}
