import { validateConnectorConfig } from '../connectors/config-validator.js';
import { resolveConnector } from '../connectors/connector-resolver.js';
import { redactConfig, restoreRedacted } from '../crypto/config-redaction.js';
import { openJson, sealJson } from '../crypto/sealed-json.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { invalid, notFound, SinewError } from '../errors/sinew-error.js';
import { newFlowId } from '../ids/short-id.js';
import { fieldMapSchema } from '../model/field-map.js';
import type { Flow, FlowDefinition } from '../model/flow.js';
import { tenantLimitsSchema } from '../model/tenant-limits.js';
import { OWNER_ONLY_JOB_FIELDS } from '../model/tenant-overrides.js';
import { jobSettingsSchema } from '../settings/environment-settings.js';
import type { Store } from '../store/store.js';

export const flowDefinitionSchema = {
  type: 'object',
  required: ['name', 'type'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    type: { type: 'string', enum: ['v1-source', 'v1-target', 'v2'] },
    connectors: { type: 'array', items: { type: 'string', minLength: 1 } },
    target: {
      type: 'object',
      required: ['connector'],
      additionalProperties: false,
      properties: { connector: { type: 'string', minLength: 1 }, config: { type: 'object' } },
    },
    etl: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        script: { type: 'string', minLength: 1 },
        command: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      },
    },
    field_map: fieldMapSchema,
    job_settings: jobSettingsSchema,
    tenant_overrides: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', enum: [...OWNER_ONLY_JOB_FIELDS] },
      description: 'Owner-only job and schedule fields that tenants of this flow may send',
    },
    tenant_limits: tenantLimitsSchema,
  },
} as const;

const FLOW_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Flow definitions; the flow target's config is sealed at rest and shown redacted. */
export class FlowService {
  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
  ) {}

  async list(envId: string): Promise<Flow[]> {
    return (await this.store.flows.list(envId)).map(view);
  }

  async get(envId: string, flowId: string): Promise<Flow> {
    const flow = await this.store.flows.get(envId, flowId);
    if (!flow) throw notFound('flow', { flow_id: flowId });
    return view(flow);
  }

  async put(envId: string, flowId: string | null, def: FlowDefinition): Promise<Flow> {
    const id = flowId ?? newFlowId();
    if (!FLOW_ID.test(id)) throw invalid('flow id must be 1-64 letters, digits, dashes or underscores');
    const connectors = def.connectors ?? [];
    for (const c of connectors) await this.connectorNamed(envId, c);
    const existing = await this.store.flows.get(envId, id);
    let target: Flow['target'];
    if (def.target) {
      if (def.type === 'v1-target') throw invalid("a v1 target flow writes into the tenant's linked target; it has no flow target");
      const connector = await this.connectorNamed(envId, def.target.connector);
      if (connector.kind === 'source') throw new SinewError('CONNECTOR_NOT_SUPPORTED', `connector ${connector.id} cannot be a target`);
      const sealed = existing?.target?.connector === connector.id ? existing.target.config_sealed : undefined;
      const config = restoreRedacted(def.target.config ?? {}, sealed ? openJson(this.box, sealed) : undefined) as Record<string, unknown>;
      validateConnectorConfig(connector.id, connector.config_schema, config);
      target = {
        connector: connector.id,
        config: redactConfig(config, connector.config_schema) as Record<string, unknown>,
        config_sealed: sealJson(this.box, config),
      };
    }
    const now = new Date().toISOString();
    const flow: Flow = {
      env_id: envId,
      flow_id: id,
      name: def.name,
      type: def.type,
      connectors,
      ...(target ? { target } : {}),
      ...(def.etl ? { etl: def.etl } : {}),
      ...(def.field_map ? { field_map: def.field_map } : {}),
      ...(def.job_settings ? { job_settings: def.job_settings } : {}),
      ...(def.tenant_overrides?.length ? { tenant_overrides: def.tenant_overrides } : {}),
      ...(def.tenant_limits ? { tenant_limits: def.tenant_limits } : {}),
      created_at: existing?.created_at ?? now,
      updated_at: now,
    };
    await this.store.flows.put(flow);
    return view(flow);
  }

  /** A connector the definition names; a missing one is a bad body (400), not a missing flow (404). */
  private async connectorNamed(envId: string, id: string) {
    try {
      return await resolveConnector(this.store, envId, id);
    } catch (e) {
      if (e instanceof SinewError && e.code === 'NOT_FOUND') throw invalid(`unknown connector ${id}`, { connector_id: id });
      throw e;
    }
  }

  async delete(envId: string, flowId: string): Promise<void> {
    if (!(await this.store.flows.delete(envId, flowId))) throw notFound('flow', { flow_id: flowId });
  }
}

function view(flow: Flow): Flow {
  if (!flow.target) return flow;
  const { config_sealed: _sealed, ...target } = flow.target;
  return { ...flow, target };
}
