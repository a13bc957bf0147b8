import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SinewError } from '../errors/sinew-error.js';

/** The lock file: an empty SQLite database, used only for the OS file lock SQLite takes on it. */
const LOCK_FILE = 'sinew.lock';
/** The holder's pid, for the message of a process that is refused (and for operators: `kill $(cat …)`). */
const PID_FILE = 'sinew.pid';
/** How long a refused process waits for the holder to write its pid (it writes it just after locking). */
const PID_WAIT_MS = 2000;

export interface DataDirLock {
  /** Lets the next process have the data dir (a process that dies releases it too: the OS does). */
  release(): void;
}

/**
 * Makes this process the only one using an embedded (SQLite) data dir: `sinew serve` — or any role,
 * or `sinew migrate` — on a data dir another process holds fails with CONFLICT naming the dir and
 * the holder's pid, before it has created anything there. The lock is an OS file lock (SQLite's own
 * `BEGIN EXCLUSIVE`, held open on `sinew.lock`), not a pid file checked for liveness: the kernel drops
 * it when its process dies however it dies (SIGKILL, OOM), so a stale lock cannot exist, no two
 * processes can both take over one, and a recycled pid — a container's serve is pid 1 on every
 * start — is never mistaken for a live holder. The pid file only says who holds it.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE);
  const pidPath = path.join(dataDir, PID_FILE);
  let db: BetterSqlite3.Database;
  try {
    // timeout 0: a held lock answers SQLITE_BUSY at once instead of after SQLite's busy wait.
    db = new BetterSqlite3(lockPath, { timeout: 0 });
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    if ((e as { code?: string }).code !== 'SQLITE_BUSY') {
      throw new SinewError('UNAVAILABLE', `cannot lock the data dir ${dataDir}: ${(e as Error).message}`, { data_dir: dataDir });
    }
    const holder = await holderPid(pidPath);
    throw new SinewError(
      'CONFLICT',
      `the data dir ${dataDir} is in use by another Sinew process (${holder === null ? 'pid unknown' : `pid ${holder}`}): an embedded (SQLite) data dir belongs to one process; stop that one or set another SINEW_DATA_DIR`,
      { data_dir: dataDir, pid: holder },
    );
  }
  fs.writeFileSync(pidPath, `${process.pid}\n`);
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      // Removed while still locked, so it cannot be another holder's file by then.
      fs.rmSync(pidPath, { force: true });
      db.close();
    },
  };
}

/** The pid the holder wrote, once it names a live process; null if none does within PID_WAIT_MS. */
async function holderPid(pidPath: string): Promise<number | null> {
  const deadline = Date.now() + PID_WAIT_MS;
  for (;;) {
    const pid = readPid(pidPath);
    // The holder may have locked but not yet written its pid (what is there is a dead predecessor's).
    if (pid !== null && isAlive(pid)) return pid;
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function readPid(pidPath: string): number | null {
  try {
    const pid = Number(fs.readFileSync(pidPath, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, as another user's process.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
