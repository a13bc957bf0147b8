import { execFileSync } from 'node:child_process';
import { SinewError } from '../errors/sinew-error.js';

/**
 * The unprivileged account registered connectors run as when Sinew runs as root
 * (SINEW_CONNECTOR_USER: a user name, or `uid:gid`). A connector is code Sinew does not trust;
 * as root it could read the data dir (secret.key, every environment's files) and signal Sinew.
 */
export interface ConnectorUser {
  uid: number;
  gid: number;
  /** HOME of the account: a connector's caches go there, never to root's. */
  home: string;
  name: string;
}

/** The account named by SINEW_CONNECTOR_USER, checked; null when none is named. */
export function resolveConnectorUser(named: string | undefined, runningAs: number | undefined = process.getuid?.()): ConnectorUser | null {
  if (!named || named.trim() === '') return null;
  const user = /^\d+:\d+$/.test(named) ? numericUser(named) : lookUpUser(named.trim());
  if (user.uid === 0)
    throw new SinewError('VALIDATION_FAILED', `SINEW_CONNECTOR_USER names root (${named}): connectors must run unprivileged`);
  if (runningAs !== 0 && runningAs !== user.uid) {
    throw new SinewError(
      'VALIDATION_FAILED',
      `SINEW_CONNECTOR_USER=${named} needs Sinew to run as root to switch to it (it runs as uid ${runningAs})`,
    );
  }
  return user;
}

function numericUser(spec: string): ConnectorUser {
  const [uid, gid] = spec.split(':').map(Number) as [number, number];
  return { uid, gid, home: '/', name: spec };
}

function lookUpUser(name: string): ConnectorUser {
  let line: string;
  try {
    // getent asks NSS (LDAP, systemd users…), not only /etc/passwd.
    line = execFileSync('getent', ['passwd', name], { encoding: 'utf8', timeout: 5000 }).trim();
  } catch {
    throw new SinewError('VALIDATION_FAILED', `SINEW_CONNECTOR_USER: no user named ${name}`);
  }
  const [, , uid, gid, , home] = line.split(':');
  return { uid: Number(uid), gid: Number(gid), home: home || '/', name };
}

/** How to spawn a connector as `user`: the ids, and an environment that names the account. */
export function connectorSpawnIdentity(
  user: ConnectorUser | null | undefined,
  env: Record<string, string>,
): { uid?: number; gid?: number; env: Record<string, string> } {
  if (!user) return { env };
  return { uid: user.uid, gid: user.gid, env: { ...env, HOME: user.home, USER: user.name, LOGNAME: user.name } };
}
