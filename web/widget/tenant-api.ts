import { type ApiClient, createApiClient } from '../shared/api-client.js';

/** What `Sinew.init` takes (docs/widget.md). */
export interface WidgetConfig {
  /** Sinew's base URL, e.g. `https://sinew.example.com` (no trailing slash needed). */
  apiUrl: string;
  envId: string;
  /** A public key of the environment (`POST /{env}/keys` with kind `public`). */
  publicKey: string;
  /** Asks the owner's backend for a tenant token (it calls `POST /tenant/{env}/{tenant}/token`). */
  getToken: () => Promise<string> | string;
  /** Where to render inline instead of the slide-in panel. */
  container?: HTMLElement;
}

export type FlowType = 'v1-source' | 'v1-target' | 'v2';
export type LinkPath = 'linkedSources' | 'linkedTargets' | 'linkedConnectors';

export interface ConnectorView {
  id: string;
  label: string;
  icon_url: string | null;
  auth: 'oauth2' | 'fields' | 'none';
  config_schema: Record<string, unknown>;
  discover: boolean;
}

export interface FlowView {
  flow_id: string;
  name: string;
  type: FlowType;
  tenant_limits: { field_map: 'selection' | 'full' | 'none'; min_schedule_interval_minutes: number };
  connectors: ConnectorView[];
}

export interface LinkView {
  connector_id: string;
  config: Record<string, unknown>;
  field_map?: Record<string, unknown> | null;
  catalog?: { streams?: CatalogStream[] } | null;
  health: { status: 'ok' | 'invalid' | 'unknown'; reason: { code?: string; message?: string } | null };
}

export interface CatalogStream {
  tap_stream_id: string;
  stream?: string;
  schema?: { properties?: Record<string, unknown> };
  key_properties?: string[];
  metadata?: { breadcrumb: string[]; metadata: Record<string, unknown> }[];
}

export interface JobView {
  job_id: string;
  status: string;
  start_time?: string | null;
  connector_id?: string | null;
  tap?: string | null;
  target?: string | null;
  metrics?: { recordCount?: Record<string, number> } | null;
  message?: string | null;
}

/** The tenant a token is for (its `sub`): the widget builds the tenant's paths from it. */
export function tenantOfToken(token: string): string {
  try {
    const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const sub = (JSON.parse(atob(payload)) as { sub?: unknown }).sub;
    if (typeof sub === 'string' && sub !== '') return sub;
  } catch {
    /* reported below */
  }
  throw new Error('Sinew: getToken() must answer a tenant token (POST /tenant/{env}/{tenant}/token)');
}

const ROLE: Record<FlowType, { path: LinkPath; id: 'tap' | 'target' | 'connector_id'; body: 'source' | 'target' | null }> = {
  'v1-source': { path: 'linkedSources', id: 'tap', body: 'source' },
  'v1-target': { path: 'linkedTargets', id: 'target', body: 'target' },
  v2: { path: 'linkedConnectors', id: 'connector_id', body: null },
};

/**
 * Everything the widget asks of Sinew, as the tenant (public key + tenant token) through the public
 * API's typed client: the boundary holds in the widget exactly as in the API. The token is asked of
 * the host again when it is about to expire or Sinew says it has (401).
 */
export class TenantApi {
  readonly client: ApiClient;
  private token: string | null = null;
  private tokenExpiry = 0;
  tenant = '';

  constructor(private readonly config: WidgetConfig) {
    this.client = createApiClient({
      baseUrl: config.apiUrl.replace(/\/+$/, ''),
      env: config.envId,
      headers: async () => ({ 'x-api-key': config.publicKey, authorization: `Bearer ${await this.currentToken()}` }),
    });
  }

  get env(): string {
    return this.config.envId;
  }

  get apiOrigin(): string {
    return new URL(this.config.apiUrl, location.href).origin;
  }

  async currentToken(): Promise<string> {
    if (!this.token || Date.now() > this.tokenExpiry - 30_000) {
      const token = await this.config.getToken();
      this.token = token;
      this.tenant = tenantOfToken(token);
      try {
        const exp = (JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number }).exp;
        this.tokenExpiry = typeof exp === 'number' ? exp * 1000 : Date.now() + 300_000;
      } catch {
        this.tokenExpiry = Date.now() + 300_000;
      }
    }
    return this.token;
  }

  async ready(): Promise<void> {
    await this.currentToken();
  }

  private p(flow: string): { flow: string; tenant: string } {
    return { flow, tenant: this.tenant };
  }

  async flows(): Promise<FlowView[]> {
    const supported = await this.client.call('get', '/{env}/flows/supported');
    return Promise.all(
      supported.map((f) => this.client.call('get', '/{env}/flows/{flow}/connectors', { path: { flow: f.flow_id } }) as Promise<FlowView>),
    );
  }

  async links(flow: FlowView): Promise<LinkView[]> {
    const path = this.p(flow.flow_id);
    const rows =
      flow.type === 'v2'
        ? await this.client.call('get', '/v2/{env}/{flow}/{tenant}/linkedConnectors', { path })
        : flow.type === 'v1-source'
          ? await this.client.call('get', '/{env}/{flow}/{tenant}/linkedSources', { path })
          : await this.client.call('get', '/{env}/{flow}/{tenant}/linkedTargets', { path });
    const id = ROLE[flow.type].id;
    return (rows as unknown as Record<string, unknown>[]).map((r) => ({ ...(r as unknown as LinkView), connector_id: r[id] as string }));
  }

  /** Links (or relinks) with a config; `field_map` keeps the tenant's choice when a relink resends it. */
  async link(
    flow: FlowView,
    connectorId: string,
    config: Record<string, unknown>,
    fieldMap?: Record<string, unknown> | null,
  ): Promise<void> {
    const path = this.p(flow.flow_id);
    const extra = fieldMap !== undefined ? { field_map: fieldMap as never } : {};
    if (flow.type === 'v2')
      await this.client.call('post', '/v2/{env}/{flow}/{tenant}/linkedConnectors', {
        path,
        body: { connector_id: connectorId, config, ...extra },
      });
    else if (flow.type === 'v1-source')
      await this.client.call('post', '/{env}/{flow}/{tenant}/linkedSources', {
        path,
        body: { source: { tap: connectorId, config }, ...extra },
      });
    else
      await this.client.call('post', '/{env}/{flow}/{tenant}/linkedTargets', {
        path,
        body: { target: { target: connectorId, config }, ...extra },
      });
  }

  async unlink(flow: FlowView, connectorId: string): Promise<void> {
    const path = this.p(flow.flow_id);
    if (flow.type === 'v2')
      await this.client.call('delete', '/v2/{env}/{flow}/{tenant}/linkedConnectors', { path, query: { connector_id: connectorId } });
    else if (flow.type === 'v1-source')
      await this.client.call('delete', '/{env}/{flow}/{tenant}/linkedSources', { path, query: { source: connectorId } });
    else await this.client.call('delete', '/{env}/{flow}/{tenant}/linkedTargets', { path, query: { target: connectorId } });
  }

  async startOAuth(flow: FlowView, connectorId: string, config: Record<string, unknown>): Promise<string> {
    const started = await this.client.call('post', '/{env}/{flow}/{tenant}/oauth/{connector_id}/start', {
      path: { ...this.p(flow.flow_id), connector_id: connectorId },
      body: { config: config as Record<string, never> },
    });
    return started.authorization_url;
  }

  /** Refreshes a v2 link's catalog (discover) and waits for it to end. */
  async discover(flow: FlowView, connectorId: string, signal: { cancelled: boolean }): Promise<void> {
    const path = this.p(flow.flow_id);
    await this.client.call('post', '/v2/{env}/{flow}/{tenant}/linkedConnectors/discover', { path, query: { connector_id: connectorId } });
    for (let wait = 300; !signal.cancelled; wait = Math.min(wait * 1.5, 2000)) {
      const run = await this.client.call('get', '/v2/{env}/{flow}/{tenant}/linkedConnectors/discover/poll', {
        path,
        query: { connector_id: connectorId },
      });
      if (run.status === 'DISCOVER_FAILED') throw new Error(run.error ?? 'discover failed');
      if (run.status === 'DISCOVER_SUCCESS') return;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  async jobs(flow: FlowView, connectorId: string): Promise<JobView[]> {
    const path = this.p(flow.flow_id);
    const rows =
      flow.type === 'v2'
        ? await this.client.call('get', '/v2/{env}/{flow}/{tenant}/jobs', { path, query: { limit: 20 } })
        : await this.client.call('get', '/{env}/{flow}/{tenant}/jobs', { path, query: { limit: 20 } });
    const jobs = rows as unknown as JobView[];
    return jobs
      .filter((j) => (j.connector_id ?? (flow.type === 'v1-target' ? j.target : j.tap) ?? connectorId) === connectorId)
      .slice(0, 8);
  }

  async runJob(flow: FlowView, connectorId: string): Promise<JobView> {
    const path = this.p(flow.flow_id);
    if (flow.type === 'v2')
      return (await this.client.call('post', '/v2/{env}/{flow}/{tenant}/jobs', {
        path,
        body: { connector_id: connectorId, job_type: 'read' },
      })) as unknown as JobView;
    return (await this.client.call('post', '/{env}/{flow}/{tenant}/jobs', { path, body: {} })) as unknown as JobView;
  }

  async schedule(flow: FlowView, connectorId: string): Promise<{ schedule_expression: string; state: string } | null> {
    const path = this.p(flow.flow_id);
    try {
      const s =
        flow.type === 'v2'
          ? await this.client.call('get', '/v2/{env}/{flow}/{tenant}/jobs/schedule', { path, query: { connector_id: connectorId } })
          : await this.client.call('get', '/{env}/{flow}/{tenant}/jobs/schedule', { path });
      return s as unknown as { schedule_expression: string; state: string };
    } catch (e) {
      if ((e as { status?: number }).status === 404) return null;
      throw e;
    }
  }

  async setSchedule(flow: FlowView, connectorId: string, expression: string, state: 'ENABLED' | 'DISABLED'): Promise<void> {
    const path = this.p(flow.flow_id);
    if (flow.type === 'v2')
      await this.client.call('put', '/v2/{env}/{flow}/{tenant}/jobs/schedule', {
        path,
        body: { schedule_expression: expression, state, connector_id: connectorId },
      });
    else
      await this.client.call('put', '/{env}/{flow}/{tenant}/jobs/schedule', {
        path,
        body: { schedule_expression: expression, state, ...(flow.type === 'v1-source' ? { tap: connectorId } : { target: connectorId }) },
      });
  }
}

/** Saves a link's field map: v2 changes only it (PATCH); v1 links again with the redacted config, which Sinew keeps. */
export async function saveFieldMap(api: TenantApi, flow: FlowView, link: LinkView, fieldMap: Record<string, unknown>): Promise<void> {
  if (flow.type === 'v2') {
    await api.client.call('patch', '/v2/{env}/{flow}/{tenant}/linkedConnectors', {
      path: { flow: flow.flow_id, tenant: api.tenant },
      body: { connector_id: link.connector_id, field_map: fieldMap as never },
    });
  } else {
    await api.link(flow, link.connector_id, link.config, fieldMap);
  }
}
