import type { components } from '../../src/contract/sinew-api.js';
import type { ApiClient } from '../shared/api-client.js';

export type LinkRole = 'source' | 'target' | 'connector';
export interface LinkRef {
  flow: string;
  tenant: string;
  role: LinkRole;
  connector: string;
}
type LinkView = components['schemas']['LinkedSource'] | components['schemas']['LinkedTarget'] | components['schemas']['LinkedConnector'];
type State = Record<string, unknown>;
// The state's body schema is an open object, which the generated types read as Record<string, never>: hence `as never` below.

/**
 * The three link families of the API (linkedSources, linkedTargets, v2 linkedConnectors) behind one
 * set of calls, each naming its connector by the query parameter its family uses.
 */
export function linkCalls(api: ApiClient, l: LinkRef) {
  const path = { flow: l.flow, tenant: l.tenant };
  if (l.role === 'source') {
    const query = { source: l.connector };
    return {
      get: async (): Promise<LinkView | undefined> => (await api.call('get', '/{env}/{flow}/{tenant}/linkedSources', { path, query }))[0],
      state: (): Promise<State> => api.call('get', '/{env}/{flow}/{tenant}/linkedSources/state', { path, query }),
      putState: (body: State): Promise<State> =>
        api.call('put', '/{env}/{flow}/{tenant}/linkedSources/state', { path, query, body: body as never }),
      resetState: (): Promise<unknown> => api.call('delete', '/{env}/{flow}/{tenant}/linkedSources/state', { path, query }),
      schedule: () => api.call('get', '/{env}/{flow}/{tenant}/jobs/schedule', { path, query: { tap: l.connector } }),
    };
  }
  if (l.role === 'target') {
    const query = { target: l.connector };
    return {
      get: async (): Promise<LinkView | undefined> => (await api.call('get', '/{env}/{flow}/{tenant}/linkedTargets', { path, query }))[0],
      state: (): Promise<State> => api.call('get', '/{env}/{flow}/{tenant}/linkedTargets/state', { path, query }),
      putState: (body: State): Promise<State> =>
        api.call('put', '/{env}/{flow}/{tenant}/linkedTargets/state', { path, query, body: body as never }),
      resetState: (): Promise<unknown> => api.call('delete', '/{env}/{flow}/{tenant}/linkedTargets/state', { path, query }),
      schedule: () => api.call('get', '/{env}/{flow}/{tenant}/jobs/schedule', { path, query: { target: l.connector } }),
    };
  }
  const query = { connector_id: l.connector };
  return {
    get: async (): Promise<LinkView | undefined> =>
      (await api.call('get', '/v2/{env}/{flow}/{tenant}/linkedConnectors', { path, query }))[0],
    state: (): Promise<State> => api.call('get', '/v2/{env}/{flow}/{tenant}/linkedConnectors/state', { path, query }),
    putState: (body: State): Promise<State> =>
      api.call('put', '/v2/{env}/{flow}/{tenant}/linkedConnectors/state', { path, query, body: body as never }),
    resetState: (): Promise<unknown> => api.call('delete', '/v2/{env}/{flow}/{tenant}/linkedConnectors/state', { path, query }),
    schedule: () => api.call('get', '/v2/{env}/{flow}/{tenant}/jobs/schedule', { path, query }),
  };
}
