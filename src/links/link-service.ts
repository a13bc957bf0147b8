import { getBuiltinConnector } from '../connectors/builtin/registry.js';
import { validateConnectorConfig } from '../connectors/config-validator.js';
import { resolveConnector } from '../connectors/connector-resolver.js';
import { checkLinkedPaths } from '../connectors/file-confinement.js';
import { checkConnectorHosts } from '../connectors/outbound-hosts.js';
import { redactConfig, restoreRedacted } from '../crypto/config-redaction.js';
import { openJson, sealJson } from '../crypto/sealed-json.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { invalid, isSinewError, notFound, SinewError } from '../errors/sinew-error.js';
import type { OutboxNotifier } from '../events/outbox-notifier.js';
import type { ConnectorDefinition } from '../model/connector-definition.js';
import type { CheckOutcome } from '../model/credential-check.js';
import type { FieldMap } from '../model/field-map.js';
import type { Flow } from '../model/flow.js';
import {
  type ConfigSetter,
  type Link,
  type LinkConfigOpener,
  type LinkHealth,
  type LinkKey,
  type LinkRole,
  linkHealth,
  linkPathSetter,
} from '../model/link.js';
import { environmentAddressPolicy, environmentSettings } from '../settings/environment-settings.js';
import { openSettings } from '../settings/settings-secrets.js';
import { canonicalFieldMap } from '../singer/field-map-keys.js';
import type { Store } from '../store/store.js';
import { recordConnectionEvent } from './connection-event.js';
import type { CredentialChecker } from './credential-checker.js';
import { changeLinkHealth } from './link-health-change.js';
import { askLinkValidator } from './link-validation-webhook.js';

/** Which role a flow type links. */
export const ROLE_OF_FLOW: Record<Flow['type'], LinkRole> = { 'v1-source': 'source', 'v1-target': 'target', v2: 'connector' };

export interface LinkInput {
  connector_id: string;
  config: Record<string, unknown>;
  field_map?: FieldMap | null;
  schedule?: Record<string, unknown> | null;
  /** Who sends it: a tenant's file paths are confined to its folder (src/connectors/file-confinement.ts). */
  set_by: ConfigSetter;
  /** `ok` when the credentials were just shown to work (an OAuth exchange); otherwise a (re)link is `unknown`. */
  health?: LinkHealth['status'];
}

/** A link as the API shows it: credentials redacted, catalog summarized. */
export function linkView(link: Link, schema: Record<string, unknown> | null, config: Record<string, unknown>): Record<string, unknown> {
  const idField = link.role === 'source' ? 'tap' : link.role === 'target' ? 'target' : 'connector_id';
  return {
    [idField]: link.connector_id,
    flow_id: link.flow_id,
    tenant: link.tenant,
    config: redactConfig(config, schema),
    field_map: link.field_map,
    catalog: link.catalog,
    schedule: link.schedule,
    health: linkHealth(link),
    created_at: link.created_at,
    updated_at: link.updated_at,
  };
}

export type LinkListener = (link: Link, event: 'LINK' | 'OVERWRITE') => Promise<void>;

/** Links (linkedSources / linkedTargets / linkedConnectors): credentials sealed, every change a connection event. */
export class LinkService {
  private readonly listeners: LinkListener[] = [];

  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    /** Woken after a commit that wrote a connection event, so it goes out now, not at the next poll. */
    private readonly outbox?: OutboxNotifier,
    /** The operator's loopback flag (RuntimeConfig.allowLoopback), for the link-time address check. */
    private readonly allowLoopback = false,
    /** Runs connectors' credential checks; absent, nothing is checked. */
    private readonly checker?: CredentialChecker,
    /** Opens a link's config with its OAuth tokens refreshed when due (for `…/check`). */
    private readonly openLinkConfig?: LinkConfigOpener,
  ) {}

  async flowFor(envId: string, flowId: string, role: LinkRole): Promise<Flow> {
    const flow = await this.store.flows.get(envId, flowId);
    if (!flow) throw notFound('flow', { flow_id: flowId });
    if (ROLE_OF_FLOW[flow.type] !== role) {
      throw invalid(`flow ${flowId} is a ${flow.type} flow: it links ${ROLE_OF_FLOW[flow.type]}s, not ${role}s`, { flow_type: flow.type });
    }
    return flow;
  }

  async list(envId: string, flowId: string, tenant: string, role: LinkRole): Promise<Record<string, unknown>[]> {
    await this.flowFor(envId, flowId, role);
    const links = await this.store.links.list({ env_id: envId, flow_id: flowId, tenant, role });
    return Promise.all(links.map((l) => this.view(l)));
  }

  async get(key: LinkKey): Promise<Link> {
    const link = await this.store.links.get(key);
    if (!link) throw notFound(`linked ${key.role} ${key.connector_id}`, { tenant: key.tenant, flow_id: key.flow_id });
    return link;
  }

  /** A link's config in clear (inside the server only). */
  configOf(link: Link): Record<string, unknown> {
    return openJson(this.box, link.config_encrypted);
  }

  async view(link: Link): Promise<Record<string, unknown>> {
    const def = await resolveConnector(this.store, link.env_id, link.connector_id).catch(() => null);
    return linkView(link, def?.config_schema ?? null, openJson(this.box, link.config_encrypted));
  }

  /** Creates or overwrites a link (LINK / OVERWRITE connection event), creating the tenant on its first link. */
  async put(envId: string, flowId: string, tenant: string, role: LinkRole, input: LinkInput, merge = false): Promise<Link> {
    const flow = await this.flowFor(envId, flowId, role);
    if (flow.connectors.length > 0 && !flow.connectors.includes(input.connector_id)) {
      throw new SinewError('CONNECTOR_NOT_SUPPORTED', `flow ${flowId} does not offer connector ${input.connector_id}`, {
        supported: flow.connectors,
      });
    }
    const def = await resolveConnector(this.store, envId, input.connector_id);
    const acts = role === 'target' ? ['target', 'both'] : role === 'source' ? ['source', 'both'] : ['source', 'target', 'both'];
    if (!acts.includes(def.kind)) throw new SinewError('CONNECTOR_NOT_SUPPORTED', `connector ${def.id} cannot be linked as a ${role}`);
    const key: LinkKey = { env_id: envId, flow_id: flowId, tenant, role, connector_id: input.connector_id };
    const before = await this.store.links.get(key);
    if (merge && !before) throw notFound(`linked ${role} ${input.connector_id}`);
    const stored = before ? openJson(this.box, before.config_encrypted) : undefined;
    const incoming = restoreRedacted(input.config, stored) as Record<string, unknown>;
    const config = merge && stored ? { ...stored, ...incoming } : incoming;
    validateConnectorConfig(def.id, def.config_schema, config);
    const envSettings = (await this.store.environments.get(envId))?.settings ?? {};
    // A host the address policy refuses by its spelling is refused now, naming the field; every
    // connection is checked again after DNS (src/outbound).
    checkConnectorHosts(def.id, config, environmentAddressPolicy(envSettings, this.allowLoopback, 'connectors'));
    // The path is the sender's, unless a PATCH leaves it as it was (then it stays whose it was).
    const pathSetBy = merge && before && !Object.hasOwn(incoming, 'path') ? linkPathSetter(before) : input.set_by;
    await checkLinkedPaths(def.id, config, { role, tenant, setBy: pathSetBy, root: environmentSettings(envSettings).files.root });
    // Before anything is saved, and outside the transaction (either may take seconds): the
    // connector's credential check, then the owner's validation webhook. Either may refuse.
    const checked = await this.verify(key, def, config, envSettings);
    const saved = await this.store.transaction(async (tx) => {
      const existing = await tx.links.get(key);
      if ((existing?.updated_at ?? null) !== (before?.updated_at ?? null)) {
        throw new SinewError(
          'CONFLICT',
          `the linked ${role} ${input.connector_id} changed while its credentials were checked: send it again`,
        );
      }
      const now = new Date().toISOString();
      const firstLink = (await tx.links.list({ env_id: envId, tenant })).length === 0;
      if (!(await tx.tenants.get(envId, tenant))) await tx.tenants.put({ env_id: envId, tenant, config: {}, created_at: now });
      const link: Link = {
        ...key,
        config_encrypted: sealJson(this.box, config),
        field_map:
          input.field_map !== undefined
            ? canonicalFieldMap(input.field_map, existing?.catalog ?? null, true)
            : (existing?.field_map ?? null),
        // The catalog (and the tenant's selections in it) stays; the next discover refreshes it and
        // carries the selections over (src/singer/catalog-refresh.ts).
        catalog: existing?.catalog ?? null,
        state: existing?.state ?? null,
        schedule: input.schedule !== undefined ? input.schedule : (existing?.schedule ?? null),
        created_at: existing?.created_at ?? now,
        updated_at: now,
        path_set_by: pathSetBy,
        // New credentials: whatever was known of the old ones no longer holds; a check that passed says they work.
        health: { status: checked?.result === 'ok' ? 'ok' : (input.health ?? 'unknown'), reason: null, since: now },
      };
      await tx.links.put(link);
      await recordConnectionEvent(tx, key, existing ? 'OVERWRITE' : 'LINK', firstLink && !existing);
      return { link, event: existing ? ('OVERWRITE' as const) : ('LINK' as const) };
    });
    this.outbox?.notify();
    for (const listener of this.listeners) await listener(saved.link, saved.event);
    return saved.link;
  }

  /**
   * The connector's credential check (refused: CREDENTIALS_REFUSED, with its scrubbed message), then
   * the owner's link validation webhook, if one is set. The check's outcome, or null without one.
   */
  private async verify(
    key: LinkKey,
    def: ConnectorDefinition,
    config: Record<string, unknown>,
    envSettings: Record<string, unknown>,
  ): Promise<CheckOutcome | null> {
    const outcome = this.checker
      ? await this.checker.check(def, config, environmentAddressPolicy(envSettings, this.allowLoopback, 'connectors'))
      : null;
    if (outcome?.result === 'refused') {
      throw new SinewError('CREDENTIALS_REFUSED', `${def.id} refused the credentials: ${outcome.message}`, {
        connector_id: def.id,
        check: def.check?.run ?? 'builtin',
      });
    }
    const hook = environmentSettings(openSettings(this.box, envSettings)).monitoring.webhooks?.link_validation;
    if (hook?.url)
      await askLinkValidator(
        hook,
        key,
        redactConfig(config, def.config_schema) as Record<string, unknown>,
        environmentAddressPolicy(envSettings, this.allowLoopback, 'monitoring'),
      );
    return outcome;
  }

  /**
   * `…/check`: runs the connector's credential check on a link as it stands (OAuth tokens refreshed
   * first when due). Refused: the link turns invalid (an INVALID event); passed: ok; inconclusive:
   * its health stays what it was.
   */
  async recheck(key: LinkKey): Promise<{ result: CheckOutcome['result']; message: string | null; health: LinkHealth }> {
    const link = await this.get(key);
    const def = await resolveConnector(this.store, key.env_id, key.connector_id);
    if (!this.checker || (!def.check && !(def.builtin && hasBuiltinCheck(def.id)))) {
      throw new SinewError('CONNECTOR_NOT_SUPPORTED', `connector ${def.id} declares no credential check`, { connector_id: def.id });
    }
    let outcome: CheckOutcome | null;
    try {
      const config = this.openLinkConfig ? await this.openLinkConfig(link) : this.configOf(link);
      const envSettings = (await this.store.environments.get(key.env_id))?.settings ?? {};
      outcome = await this.checker.check(def, config, environmentAddressPolicy(envSettings, this.allowLoopback, 'connectors'));
    } catch (e) {
      // A refresh the provider refused has made the link invalid already; any other failure says nothing of the credentials.
      if (!isSinewError(e) || e.code !== 'OAUTH_TOKEN_FAILED') throw e;
      outcome = { result: linkHealth(await this.get(key)).status === 'invalid' ? 'refused' : 'inconclusive', message: e.message };
    }
    const result = outcome?.result ?? 'inconclusive';
    const message = outcome?.message ?? null;
    if (result !== 'inconclusive') {
      const reason = result === 'refused' ? { code: 'check_failed', message: message ?? 'the credential check failed' } : null;
      const changed = await this.store.transaction((tx) =>
        changeLinkHealth(tx, key, result === 'ok' ? 'ok' : 'invalid', reason, new Date().toISOString()),
      );
      if (changed) this.outbox?.notify();
    }
    return { result, message, health: linkHealth(await this.get(key)) };
  }

  /**
   * What a link made later (by an OAuth callback) would be refused for now, before the tenant is sent
   * to consent: the flow and connector, the hosts the address policy refuses by their spelling, the
   * paths outside the tenant's folder. The full check (schema included: tokens are not there yet)
   * runs again when the link is made.
   */
  async precheck(
    envId: string,
    flowId: string,
    tenant: string,
    connectorId: string,
    config: Record<string, unknown>,
    setBy: ConfigSetter,
  ): Promise<LinkRole> {
    const flow = await this.store.flows.get(envId, flowId);
    if (!flow) throw notFound('flow', { flow_id: flowId });
    const role = ROLE_OF_FLOW[flow.type];
    if (flow.connectors.length > 0 && !flow.connectors.includes(connectorId)) {
      throw new SinewError('CONNECTOR_NOT_SUPPORTED', `flow ${flowId} does not offer connector ${connectorId}`, {
        supported: flow.connectors,
      });
    }
    const def = await resolveConnector(this.store, envId, connectorId);
    const acts = role === 'target' ? ['target', 'both'] : role === 'source' ? ['source', 'both'] : ['source', 'target', 'both'];
    if (!acts.includes(def.kind)) throw new SinewError('CONNECTOR_NOT_SUPPORTED', `connector ${def.id} cannot be linked as a ${role}`);
    const envSettings = (await this.store.environments.get(envId))?.settings ?? {};
    checkConnectorHosts(def.id, config, environmentAddressPolicy(envSettings, this.allowLoopback, 'connectors'));
    await checkLinkedPaths(def.id, config, { role, tenant, setBy, root: environmentSettings(envSettings).files.root });
    return role;
  }

  /** Called after a link is created or overwritten (committed): job settings react here (trigger job, discover, schedule). */
  onLinked(listener: LinkListener): void {
    this.listeners.push(listener);
  }

  async remove(key: LinkKey): Promise<void> {
    await this.store.transaction(async (tx) => {
      if (!(await tx.links.delete(key))) throw notFound(`linked ${key.role} ${key.connector_id}`);
      await tx.schedules.deleteSchedule(key);
      await recordConnectionEvent(tx, key, 'UNLINK', false);
    });
    this.outbox?.notify();
  }

  async setState(key: LinkKey, state: Record<string, unknown> | null): Promise<void> {
    await this.store.transaction(async (tx) => {
      const link = await tx.links.get(key);
      if (!link) throw notFound(`linked ${key.role} ${key.connector_id}`);
      await tx.links.put({ ...link, state, updated_at: new Date().toISOString() });
    });
  }
}

const hasBuiltinCheck = (id: string): boolean => getBuiltinConnector(id)?.check !== undefined;
