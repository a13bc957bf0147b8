import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Emit } from './events.js';
import type { FlowView, TenantApi } from './tenant-api.js';

export interface Brand {
  name: string | null;
  logo_url: string | null;
  color: string | null;
}

/** Where the widget is: which screen, for which flow and connector. */
export type Screen =
  | { kind: 'home' }
  | { kind: 'connect'; flowId: string; connectorId: string; relink: boolean }
  | { kind: 'link'; flowId: string; connectorId: string };

/** What every screen reaches: the tenant's API, the host's events, and how to move between screens. */
export interface WidgetContextValue {
  api: TenantApi;
  emit: Emit;
  go: (screen: Screen) => void;
  /** A magic link may lock the page to one flow or connector. */
  lock: { flowId: string | null; connectorId: string | null };
  flows: FlowView[];
  reloadFlows: () => Promise<void>;
}

export const WidgetContext = createContext<WidgetContextValue | null>(null);

export function useWidget(): WidgetContextValue {
  const value = useContext(WidgetContext);
  if (!value) throw new Error('outside the widget');
  return value;
}

/** The host's events name the link: flow, connector, tenant. */
export const linkNames = (api: TenantApi, flowId: string, connectorId: string) => ({
  flow_id: flowId,
  connector_id: connectorId,
  tenant: api.tenant,
});

/** A message for the tenant from anything thrown: the API's own message (its catalogue error) when there is one. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
