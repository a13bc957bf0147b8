import type { Logger } from 'pino';
import { howDecided } from '../connectors/capability-note.js';
import { hostEnvironment } from '../connectors/connector-environment.js';
import { connectorCommand, resolveConnector } from '../connectors/connector-resolver.js';
import { runConfig } from '../connectors/file-confinement.js';
import { openJson } from '../crypto/sealed-json.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { SecretScrubber } from '../crypto/secret-scrubber.js';
import { SinewError } from '../errors/sinew-error.js';
import type { OutboxNotifier } from '../events/outbox-notifier.js';
import { newEventId } from '../ids/short-id.js';
import type { Catalog } from '../model/catalog.js';
import type { OutboxEvent } from '../model/event.js';
import type { LinkKey } from '../model/link.js';
import { linkKeyString, linkPathSetter } from '../model/link.js';
import { policyEnvironment } from '../outbound/policy-env.js';
import { ConnectorRunDir } from '../runtime/connector-run-dir.js';
import type { ConnectorUser } from '../runtime/connector-user.js';
import { environmentAddressPolicy, environmentSettings } from '../settings/environment-settings.js';
import { carrySelections } from '../singer/catalog-refresh.js';
import { canonicalFieldMap } from '../singer/field-map-keys.js';
import { stringifyJson } from '../singer/lossless-json.js';
import { runDiscover } from '../singer/singer-process.js';
import type { Store } from '../store/store.js';

export type DiscoverStatus = 'DISCOVER_STARTED' | 'DISCOVER_SUCCESS' | 'DISCOVER_FAILED';

interface DiscoverRun {
  status: DiscoverStatus;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

/**
 * Discover for a link outside a job (`linkedConnectors/discover`): runs the connector's `--discover`
 * in the background, stores the catalog on the link, and reports each step as a discover event.
 */
export class DiscoverService {
  private readonly runs = new Map<string, DiscoverRun>();

  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    private readonly logger: Logger,
    /** Woken after each discover event commits, so it goes out now, not at the next poll. */
    private readonly outbox?: OutboxNotifier,
    /** SINEW_CONNECTOR_USER: a registered tap discovers as this account. */
    private readonly connectorUser: ConnectorUser | null = null,
    /** SINEW_OUTBOUND_ALLOW_LOOPBACK: part of the address policy a built-in tap gets, as in a job. */
    private readonly allowLoopback = false,
  ) {}

  async start(key: LinkKey): Promise<DiscoverRun> {
    const id = linkKeyString(key);
    const current = this.runs.get(id);
    if (current?.status === 'DISCOVER_STARTED') return current;
    const link = await this.store.links.get(key);
    if (!link) throw new Error('link vanished');
    const def = await resolveConnector(this.store, key.env_id, key.connector_id);
    const command = connectorCommand(def, 'tap');
    if (!def.capabilities.discover) {
      throw new SinewError('CONNECTOR_NOT_SUPPORTED', `connector ${def.id} has no discover (${howDecided(def, 'discover')})`, {
        connector_id: def.id,
      });
    }
    // A tenant's file path is confined to its folder, as in a job; with no files root this refuses now.
    const envSettings = (await this.store.environments.get(key.env_id))?.settings ?? {};
    const root = environmentSettings(envSettings).files.root;
    // A built-in tap runs as its own process: it is handed the environment's address policy, as in a
    // job. A registered tap gets no SINEW_* variable at all (test/api/secrets.test.ts).
    const policyEnv = def.builtin ? policyEnvironment(environmentAddressPolicy(envSettings, this.allowLoopback, 'connectors')) : {};
    const config = await runConfig(def.id, openJson(this.box, link.config_encrypted), {
      setBy: linkPathSetter(link),
      root,
      tenant: key.tenant,
    });
    const run: DiscoverRun = { status: 'DISCOVER_STARTED', started_at: new Date().toISOString(), finished_at: null, error: null };
    this.runs.set(id, run);
    await this.store.events.insert(this.eventRow(key, 'DISCOVER_STARTED'));
    this.outbox?.notify();
    // The run's status changes only after its event is in the outbox, so a client that polled
    // DISCOVER_SUCCESS / DISCOVER_FAILED can rely on the event existing.
    void (async () => {
      let dir: ConnectorRunDir | undefined;
      let status: DiscoverStatus = 'DISCOVER_FAILED';
      let error: string | null = null;
      try {
        // Built-ins are Sinew's own code and run as Sinew; a registered tap as the connector user.
        dir = await ConnectorRunDir.open('discover', def.builtin ? null : this.connectorUser);
        const configPath = await dir.writePrivate('config.json', stringifyJson(config));
        // Sinew's own secrets (store URL, secret key, cloud credentials) never reach a tenant's tap.
        // Tenants read the catalog: no secret of the config in it (plain values such as a schema
        // name belong there, so only secret-marked ones go).
        const secretsOnly = SecretScrubber.ofSecretFields([
          { config: openJson(this.box, link.config_encrypted), config_schema: def.config_schema ?? null },
        ]);
        const catalog: Catalog = secretsOnly.scrubDeep(
          await runDiscover({ command, configPath, ...dir.spawnOptions({ ...hostEnvironment(), ...policyEnv }) }),
        );
        await this.store.transaction(async (tx) => {
          const fresh = await tx.links.get(key);
          if (fresh) {
            // Selections survive the refresh; the field map loses what the catalog no longer has.
            const merged = carrySelections(catalog, fresh.catalog);
            await tx.links.put({
              ...fresh,
              catalog: merged,
              field_map: canonicalFieldMap(fresh.field_map, merged, false),
              updated_at: new Date().toISOString(),
            });
          }
          await tx.events.insert(this.eventRow(key, 'DISCOVER_SUCCESS'));
        });
        this.outbox?.notify();
        status = 'DISCOVER_SUCCESS';
      } catch (e) {
        // The tap's stderr is in it, and the run's error is read by the tenant: the run's config is
        // scrubbed, `confine_to` included (the server's path to the tenant's folder is not its to see).
        error = SecretScrubber.ofConnectors([{ config, config_schema: null }]).scrub((e as Error).message);
        await this.store.events
          .insert(this.eventRow(key, 'DISCOVER_FAILED'))
          .catch((err: Error) =>
            this.logger.error(
              { env_id: key.env_id, flow_id: key.flow_id, tenant: key.tenant, connector: key.connector_id, err: err.message },
              'could not record a discover event',
            ),
          );
        this.outbox?.notify();
      } finally {
        await dir?.dispose();
        run.error = error;
        run.finished_at = new Date().toISOString();
        run.status = status;
      }
    })();
    return run;
  }

  async poll(key: LinkKey): Promise<DiscoverRun & { catalog: Catalog | null }> {
    const link = await this.store.links.get(key);
    const run = this.runs.get(linkKeyString(key));
    const catalog = link?.catalog ?? null;
    if (run) return { ...run, catalog: run.status === 'DISCOVER_SUCCESS' ? catalog : null };
    return {
      status: catalog ? 'DISCOVER_SUCCESS' : 'DISCOVER_FAILED',
      started_at: '',
      finished_at: null,
      error: catalog ? null : 'no discover has run for this link',
      catalog,
    };
  }

  private eventRow(key: LinkKey, status: DiscoverStatus): OutboxEvent {
    const now = new Date().toISOString();
    return {
      event_id: newEventId(),
      env_id: key.env_id,
      kind: 'discover',
      ordering_key: `discover:${linkKeyString(key)}`,
      payload: { connector: key.connector_id, env_id: key.env_id, flow_id: key.flow_id, status, tenant: key.tenant, timestamp: now },
      created_at: now,
    };
  }
}
