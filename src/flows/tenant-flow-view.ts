import { resolveConnector } from '../connectors/connector-resolver.js';
import { notFound } from '../errors/sinew-error.js';
import { isOAuth2 } from '../model/connector-auth.js';
import type { ConnectorDefinition } from '../model/connector-definition.js';
import type { Flow } from '../model/flow.js';
import { tenantLimitsOf } from '../model/tenant-limits.js';
import { widgetSettings } from '../settings/widget-settings.js';
import type { Store } from '../store/store.js';

/** A connector as a tenant may see it: what the connect form needs, never how it runs. */
export interface TenantConnectorView {
  id: string;
  label: string;
  kind: ConnectorDefinition['kind'];
  icon_url: string | null;
  /** `oauth2` only when the environment has an OAuth app for it: otherwise the form is the way. */
  auth: 'oauth2' | 'fields' | 'none';
  config_schema: Record<string, unknown>;
  discover: boolean;
}

/** The flow as the widget shows it to a tenant: its linkable connectors and the limits the owner set. */
export interface TenantFlowView {
  flow_id: string;
  name: string;
  type: Flow['type'];
  tenant_limits: ReturnType<typeof tenantLimitsOf>;
  connectors: TenantConnectorView[];
}

/** The config schema minus the fields Sinew fills itself (OAuth tokens): a tenant never types those. */
function formSchema(def: ConnectorDefinition, oauth: boolean): Record<string, unknown> {
  const schema = (def.config_schema ?? {}) as Record<string, unknown>;
  if (!oauth || !isOAuth2(def.auth)) return schema;
  const placed = new Set([
    def.auth.tokens.access_token,
    def.auth.tokens.refresh_token,
    def.auth.tokens.expires_at,
    ...Object.values(def.auth.tokens.extra ?? {}),
  ]);
  const properties = Object.fromEntries(
    Object.entries((schema.properties ?? {}) as Record<string, unknown>).filter(([name]) => !placed.has(name)),
  );
  const required = Array.isArray(schema.required) ? (schema.required as string[]).filter((f) => !placed.has(f)) : undefined;
  return { ...schema, properties, ...(required ? { required } : {}) };
}

/**
 * `GET /{env}/flows/{flow}/connectors`: what a tenant may link in a flow. Singer commands, probes and
 * install specs stay the owner's; a connector the environment no longer resolves is left out.
 */
export async function tenantFlowView(store: Store, envId: string, flowId: string): Promise<TenantFlowView> {
  const flow = await store.flows.get(envId, flowId);
  if (!flow) throw notFound('flow', { flow_id: flowId });
  const icons = widgetSettings((await store.environments.get(envId))?.settings ?? {}).connector_icons;
  const connectors: TenantConnectorView[] = [];
  for (const id of flow.connectors) {
    const def = await resolveConnector(store, envId, id).catch(() => null);
    if (!def) continue;
    const oauth = isOAuth2(def.auth) && (await store.oauth.getApp(envId, id)) !== undefined;
    const auth = oauth ? 'oauth2' : def.auth?.type === 'none' ? 'none' : 'fields';
    connectors.push({
      id,
      label: def.label ?? id,
      kind: def.kind,
      icon_url: icons[id] ?? null,
      auth,
      config_schema: formSchema(def, oauth),
      discover: def.capabilities.discover,
    });
  }
  return { flow_id: flow.flow_id, name: flow.name, type: flow.type, tenant_limits: tenantLimitsOf(flow.tenant_limits), connectors };
}
