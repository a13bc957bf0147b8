import fs from 'node:fs';
import path from 'node:path';
import { ownedName, privateTempRoot, sweepGone } from '../runtime/private-temp-root.js';

/**
 * Where a job's connector configs live in clear while its process runs:
 * `<tmp>/sinew-<uid>/jobs/<worker pid>-<nonce>-<job id>-<random>`, 0700. The worker chooses and
 * makes the folder and hands its path over in the plan, so that whichever way the job process ends
 * — even SIGKILL, where it cleans up nothing itself — the worker removes it when the process exits.
 * What two dead processes left (the worker killed too) goes with the next start's sweep.
 */
const AREA = 'jobs';

export function createJobSecretsDir(jobId: string, owner?: { uid: number; gid: number }): string {
  // A job id is ours (a UUID), but a path must never be built from anything that could climb out.
  const label = jobId.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 80);
  const dir = path.join(privateTempRoot(AREA), ownedName(label));
  fs.mkdirSync(dir, { mode: 0o700 });
  // The connector user (SINEW_CONNECTOR_USER) reads its config here, and nothing else of Sinew's.
  if (owner) fs.chownSync(dir, owner.uid, owner.gid);
  return dir;
}

export function removeJobSecretsDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Removes the folders of processes that are gone (at start-up); returns how many. */
export function sweepJobSecretsDirs(): number {
  return sweepGone(AREA);
}

/** The folder every job's secrets folder is made in (tests search it; docs name it). */
export function jobSecretsRoot(): string {
  return privateTempRoot(AREA);
}
