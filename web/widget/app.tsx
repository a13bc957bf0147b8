import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Brand, messageOf, type Screen, WidgetContext } from './context.js';
import type { Emit } from './events.js';
import { ConnectForm } from './screens/connect-form.js';
import { Home } from './screens/home.js';
import { LinkDetail } from './screens/link-detail.js';
import type { FlowView, TenantApi } from './tenant-api.js';

export interface AppProps {
  api: TenantApi;
  emit: Emit;
  brand: Brand;
  /** `panel`: slides in over the host page; `inline`: fills the host's container; `page`: the hosted connect page. */
  mode: 'panel' | 'inline' | 'page';
  initial: Screen;
  lock: { flowId: string | null; connectorId: string | null };
  onClose?: () => void;
  /** Lets the controller move the open widget (Sinew.link while open). */
  navigator?: (go: (s: Screen) => void) => void;
}

/** The widget: a header with the owner's brand, and one screen at a time. */
export function App(props: AppProps) {
  const [screen, setScreen] = useState<Screen>(props.initial);
  const [flows, setFlows] = useState<FlowView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const reloadFlows = async (): Promise<void> => {
    try {
      await props.api.ready();
      setFlows(await props.api.flows());
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useEffect(() => {
    void reloadFlows();
    props.navigator?.(setScreen);
  }, []);
  // Each screen starts at its top, with the focus in the panel (keyboard and screen-reader users land there).
  useEffect(() => {
    panelRef.current?.querySelector<HTMLElement>('.sw-body')?.scrollTo?.(0, 0);
    panelRef.current?.focus();
  }, [screen]);

  const flow = flows && 'flowId' in screen ? flows.find((f) => f.flow_id === screen.flowId) : undefined;
  const connector = flow && 'connectorId' in screen ? flow.connectors.find((c) => c.id === screen.connectorId) : undefined;
  const title = props.brand.name ? `Connect ${props.brand.name}` : 'Integrations';
  let body: JSX.Element;
  if (error)
    body = (
      <p class="sw-alert" role="alert">
        {error}
      </p>
    );
  else if (!flows) body = <p aria-busy="true">Loading…</p>;
  else if (screen.kind === 'home') body = <Home />;
  else if (!flow || !connector)
    body = (
      <p class="sw-alert" role="alert">
        This connector is not offered here.
      </p>
    );
  else if (screen.kind === 'connect')
    body = (
      <ConnectForm key={`${flow.flow_id}/${connector.id}/${screen.relink}`} flow={flow} connector={connector} relink={screen.relink} />
    );
  else body = <LinkDetail key={`${flow.flow_id}/${connector.id}`} flow={flow} connector={connector} />;

  const panel = (
    // biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useAriaPropsSupportedByRole: the role is set at run time (a modal dialog, or a region inline); Escape closes the dialog.
    <div
      ref={panelRef}
      class={props.mode === 'panel' ? 'sw-panel' : 'sw-inline'}
      role={props.mode === 'panel' ? 'dialog' : 'region'}
      aria-modal={props.mode === 'panel' ? true : undefined}
      aria-labelledby="sw-title"
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && props.onClose) props.onClose();
      }}
    >
      <header class="sw-header">
        {screen.kind !== 'home' && !(props.lock.connectorId && screen.kind === 'link') ? (
          <button class="sw-icon-btn" type="button" aria-label="Back" onClick={() => setScreen({ kind: 'home' })}>
            ←
          </button>
        ) : null}
        {props.brand.logo_url ? <img class="sw-logo" src={props.brand.logo_url} alt="" /> : null}
        <h1 id="sw-title">{title}</h1>
        {props.onClose ? (
          <button class="sw-icon-btn" type="button" aria-label="Close" onClick={props.onClose}>
            ×
          </button>
        ) : null}
      </header>
      <div class="sw-body">
        {flows ? (
          <WidgetContext.Provider value={{ api: props.api, emit: props.emit, go: setScreen, lock: props.lock, flows, reloadFlows }}>
            {body}
          </WidgetContext.Provider>
        ) : (
          body
        )}
      </div>
    </div>
  );
  if (props.mode === 'inline') return panel;
  if (props.mode === 'page') return <div class="sw-page">{panel}</div>;
  return (
    <>
      <div class="sw-overlay" onClick={props.onClose} aria-hidden="true" />
      {panel}
    </>
  );
}
