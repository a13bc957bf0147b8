import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SinewError } from '../errors/sinew-error.js';

/**
 * Sinew's own folder under the OS temp dir, `<tmp>/sinew-<uid>/<area>`, for files that must not
 * outlive the process that made them (clear connector configs). Another local user could create
 * the path first (a symlink, or a folder they can read), so it is checked, never trusted: a real
 * directory, owned by us, writable by nobody else. Mode 0711: others may pass through to a
 * folder they own (the connector user, to its job's config) but can list nothing.
 */
export function privateTempRoot(area: string): string {
  const top = path.join(os.tmpdir(), `sinew-${os.userInfo().uid}`);
  const root = path.join(top, area);
  for (const dir of [top, root]) {
    try {
      fs.mkdirSync(dir, { mode: 0o711 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || st.uid !== os.userInfo().uid) {
      throw new SinewError('INTERNAL', `the temp folder ${dir} is not a directory owned by this user: refusing to keep secrets in it`);
    }
    if ((st.mode & 0o022) !== 0 || (st.mode & 0o777) !== 0o711) fs.chmodSync(dir, 0o711);
  }
  return root;
}

/**
 * Names a process's temp folders `<pid>-<nonce>-…`. The nonce tells this process from an earlier
 * one with the same pid (a container's Sinew is pid 1 on every start); several Sinews in one
 * process (tests) share it, so none sweeps another's.
 */
const PROCESS_NONCE = randomBytes(6).toString('hex');

export function ownedName(label: string): string {
  return `${process.pid}-${PROCESS_NONCE}-${label}-${randomBytes(8).toString('hex')}`;
}

/** Whether a folder named by ownedName belongs to a process that is gone. */
export function ownerIsGone(name: string): boolean {
  const match = /^(\d+)-([0-9a-f]+)-/.exec(name);
  if (!match) return false; // not ours to judge
  const pid = Number(match[1]);
  if (pid === process.pid) return match[2] !== PROCESS_NONCE;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    // EPERM: alive, another user's.
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes the folders of `area` whose owning process is gone; returns how many. */
export function sweepGone(area: string): number {
  const root = privateTempRoot(area);
  let removed = 0;
  for (const name of fs.readdirSync(root)) {
    if (!ownerIsGone(name)) continue;
    fs.rmSync(path.join(root, name), { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}
