import { getBuiltinConnector } from '../connectors/builtin/registry.js';
import { hostEnvironment } from '../connectors/connector-environment.js';
import { SecretScrubber } from '../crypto/secret-scrubber.js';
import type { ConnectorDefinition } from '../model/connector-definition.js';
import type { CheckOutcome, ConnectorCheck } from '../model/credential-check.js';
import type { AddressPolicy } from '../outbound/address-policy.js';
import { ConnectorRunDir } from '../runtime/connector-run-dir.js';
import type { ConnectorUser } from '../runtime/connector-user.js';
import { stringifyJson } from '../singer/lossless-json.js';
import { describeExit, startSingerProcess } from '../singer/singer-process.js';

/** A check that has not answered by then concludes nothing (a tap's discover can be slow). */
const COMMAND_TIMEOUT_MS = 60_000;

/**
 * Asks a connector whether a config's credentials work (issue #15): a built-in's own `check()`, or
 * a registered connector's declared check — its `--discover`, or a command — run as a job's
 * connector would be (its own folder, the connector user, no Sinew secret in its environment).
 * What the connector said is scrubbed of every value of the config before anyone sees it.
 */
export class CredentialChecker {
  constructor(
    /** SINEW_CONNECTOR_USER: a registered connector's check runs as this account. */
    private readonly connectorUser: ConnectorUser | null = null,
    private readonly timeoutMs = COMMAND_TIMEOUT_MS,
  ) {}

  /** Null when the connector declares no check. */
  async check(def: ConnectorDefinition, config: Record<string, unknown>, policy: AddressPolicy): Promise<CheckOutcome | null> {
    const builtin = def.builtin ? getBuiltinConnector(def.id) : undefined;
    let outcome: CheckOutcome;
    if (builtin?.check) outcome = await builtin.check(config, policy);
    else if (def.check && def.runtime.runtime === 'singer') outcome = await this.runCommand(def.runtime.command, def.check, config);
    else return null;
    if (outcome.result === 'ok') return outcome;
    const scrubber = SecretScrubber.ofConnectors([{ config, config_schema: def.config_schema ?? null }]);
    return { result: outcome.result, message: scrubber.scrub(outcome.message) };
  }

  private async runCommand(tap: string[], check: ConnectorCheck, config: Record<string, unknown>): Promise<CheckOutcome> {
    const dir = await ConnectorRunDir.open('check', this.connectorUser);
    try {
      const configPath = await dir.writePrivate('config.json', stringifyJson(config));
      const [command, args] =
        check.run === 'discover' ? [tap, ['--config', configPath, '--discover']] : [check.command, ['--config', configPath]];
      const proc = startSingerProcess({ command, args, name: 'check', ...dir.spawnOptions(hostEnvironment()) });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        proc.kill('SIGKILL');
      }, this.timeoutMs);
      try {
        // Its output (a catalog) is not wanted, but must be read for the process to finish.
        proc.stdout.resume();
        const exit = await proc.exited;
        if (timedOut)
          return { result: 'inconclusive', message: `the credential check did not finish within ${Math.round(this.timeoutMs / 1000)} s` };
        return exit.code === 0
          ? { result: 'ok', message: null }
          : { result: 'refused', message: describeExit('the credential check', exit, proc.stderrTail()) };
      } finally {
        clearTimeout(timer);
      }
    } catch (e) {
      return { result: 'inconclusive', message: `the credential check could not run: ${(e as Error).message}` };
    } finally {
      await dir.dispose();
    }
  }
}
