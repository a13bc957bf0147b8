/** What the widget tells the host page (`Sinew.on(event, fn)`); none carries a credential. */
export interface WidgetEvents {
  'connector:link': { flow_id: string; connector_id: string; tenant: string };
  'connector:relink': { flow_id: string; connector_id: string; tenant: string };
  'connector:unlink': { flow_id: string; connector_id: string; tenant: string };
  'connector:link-failed': { flow_id: string; connector_id: string; tenant: string; reason: { code: string; message: string } };
  'fieldmap:save': { flow_id: string; connector_id: string; tenant: string; field_map: Record<string, unknown> };
  'schedule:save': { flow_id: string; connector_id: string; tenant: string; schedule_expression: string; state: string };
  'job:start': { flow_id: string; connector_id: string; tenant: string; job_id: string };
  close: Record<string, never>;
}

export type WidgetEventName = keyof WidgetEvents;
export type Emit = <E extends WidgetEventName>(event: E, payload: WidgetEvents[E]) => void;

/** A small emitter: a listener that throws is reported, and the others still run. */
export class WidgetEmitter {
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();

  on<E extends WidgetEventName>(event: E, fn: (payload: WidgetEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn as (payload: unknown) => void);
    return () => set!.delete(fn as (payload: unknown) => void);
  }

  readonly emit: Emit = (event, payload) => {
    for (const fn of this.listeners.get(event) ?? []) {
      try {
        fn(payload);
      } catch (e) {
        console.error(`Sinew: a ${event} listener failed`, e);
      }
    }
  };
}
