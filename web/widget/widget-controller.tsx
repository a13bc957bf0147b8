import { render } from 'preact';
import { App } from './app.js';
import type { Brand, Screen } from './context.js';
import { WidgetEmitter, type WidgetEventName, type WidgetEvents } from './events.js';
import { shadowMount } from './mount.js';
import { TenantApi, type WidgetConfig } from './tenant-api.js';

export interface InitOptions extends WidgetConfig {
  /** The owner's brand in the header (the host page is the owner's own: it passes it). */
  brand?: Partial<Brand>;
}

/**
 * `window.Sinew`: the host page's handle on the widget (docs/widget.md). One widget per page; every
 * call it makes is the public API's, with the public key and the tenant token `getToken` answers.
 */
export class SinewWidget {
  private options: InitOptions | null = null;
  private api: TenantApi | null = null;
  private readonly emitter = new WidgetEmitter();
  private mounted: { host: HTMLElement; container: HTMLElement; go?: (s: Screen) => void } | null = null;
  private returnFocus: Element | null = null;

  init(options: InitOptions): void {
    for (const field of ['apiUrl', 'envId', 'publicKey'] as const) {
      if (typeof options?.[field] !== 'string' || options[field] === '') throw new Error(`Sinew.init: ${field} is required`);
    }
    if (typeof options.getToken !== 'function') throw new Error('Sinew.init: getToken must be a function answering a tenant token');
    this.close();
    this.options = options;
    this.api = new TenantApi(options);
  }

  open(opts: { flowId?: string } = {}): void {
    this.show({ kind: 'home' }, { flowId: opts.flowId ?? null, connectorId: null });
  }

  link(flowId: string, connectorId: string): void {
    this.show({ kind: 'connect', flowId, connectorId, relink: false }, { flowId: null, connectorId: null });
  }

  reconnect(flowId: string, connectorId: string): void {
    this.show({ kind: 'connect', flowId, connectorId, relink: true }, { flowId: null, connectorId: null });
  }

  close(): void {
    if (!this.mounted) return;
    render(null, this.mounted.container);
    this.mounted.host.remove();
    this.mounted = null;
    (this.returnFocus as HTMLElement | null)?.focus?.();
    this.emitter.emit('close', {});
  }

  on<E extends WidgetEventName>(event: E, fn: (payload: WidgetEvents[E]) => void): () => void {
    return this.emitter.on(event, fn);
  }

  private show(screen: Screen, lock: { flowId: string | null; connectorId: string | null }): void {
    if (!this.api || !this.options) throw new Error('Sinew: call Sinew.init({ apiUrl, envId, publicKey, getToken }) first');
    // Open already: move it to the screen asked for.
    if (this.mounted?.go && lock.flowId === null) {
      this.mounted.go(screen);
      return;
    }
    this.close();
    this.returnFocus = document.activeElement;
    const brand: Brand = {
      name: this.options.brand?.name ?? null,
      logo_url: this.options.brand?.logo_url ?? null,
      color: this.options.brand?.color ?? null,
    };
    const { host, root } = shadowMount(this.options.container ?? document.body, brand.color);
    const container = document.createElement('div');
    root.appendChild(container);
    const mounted: { host: HTMLElement; container: HTMLElement; go?: (s: Screen) => void } = { host, container };
    this.mounted = mounted;
    const inline = this.options.container !== undefined;
    render(
      <App
        api={this.api}
        emit={this.emitter.emit}
        brand={brand}
        mode={inline ? 'inline' : 'panel'}
        initial={screen}
        lock={lock}
        onClose={inline ? undefined : () => this.close()}
        navigator={(go) => (mounted.go = go)}
      />,
      container,
    );
  }
}
