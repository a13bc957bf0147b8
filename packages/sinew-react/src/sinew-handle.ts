/** What `window.Sinew` answers (web/widget/widget-controller.tsx), as the wrapper uses it. */
export interface SinewGlobal {
  init(options: SinewOptions): void;
  open(opts?: { flowId?: string }): void;
  link(flowId: string, connectorId: string): void;
  reconnect(flowId: string, connectorId: string): void;
  close(): void;
  on(event: string, fn: (payload: unknown) => void): () => void;
}

export interface SinewOptions {
  apiUrl: string;
  envId: string;
  publicKey: string;
  getToken: () => Promise<string> | string;
  /** An element to render in instead of the slide-in panel (an HTMLElement; typed loosely so this file needs no DOM types). */
  container?: object;
  brand?: { name?: string; logo_url?: string; color?: string };
}

/** The calls a component makes; each waits for widget.js to load and init, so a click before that is not lost. */
export interface SinewHandle {
  open(opts?: { flowId?: string }): void;
  link(flowId: string, connectorId: string): void;
  reconnect(flowId: string, connectorId: string): void;
  close(): void;
  on(event: string, fn: (payload: unknown) => void): () => void;
}

/**
 * A handle over a widget that is still loading: calls are queued until `ready` gives the global, then
 * made in order. Listeners added early are added then; stopping one before that drops it.
 */
export function createSinewHandle(ready: Promise<SinewGlobal>, onError: (e: unknown) => void = console.error): SinewHandle {
  let sinew: SinewGlobal | null = null;
  const queue: ((s: SinewGlobal) => void)[] = [];
  ready.then((s) => {
    sinew = s;
    for (const call of queue.splice(0)) call(s);
  }, onError);
  const run = (call: (s: SinewGlobal) => void): void => {
    if (sinew) call(sinew);
    else queue.push(call);
  };
  return {
    open: (opts) => run((s) => s.open(opts)),
    link: (flowId, connectorId) => run((s) => s.link(flowId, connectorId)),
    reconnect: (flowId, connectorId) => run((s) => s.reconnect(flowId, connectorId)),
    close: () => run((s) => s.close()),
    on(event, fn) {
      let off: (() => void) | null = null;
      let stopped = false;
      run((s) => {
        if (!stopped) off = s.on(event, fn);
      });
      return () => {
        stopped = true;
        off?.();
      };
    },
  };
}
