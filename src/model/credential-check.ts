/**
 * What checking a link's credentials against its system came to (issue #15): `ok` (they work),
 * `refused` (the system said no: the link is refused, or a linked one turns invalid) or
 * `inconclusive` (the system could not be asked: unreachable, 5xx, a timeout — nothing is
 * concluded about the credentials). The message is the system's, scrubbed of secrets.
 */
export type CheckOutcome = { result: 'ok'; message: null } | { result: 'refused' | 'inconclusive'; message: string };

/**
 * How a registered (Singer) connector's credentials are checked: its `--discover` run with the
 * config, or a command of its own given `--config <file>`; exit 0 means they work.
 */
export type ConnectorCheck = { run: 'discover' } | { run: 'command'; command: string[] };
