import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSinewHandle, type SinewGlobal } from '../../packages/sinew-react/src/sinew-handle.js';

/** A stand-in for window.Sinew that records its calls. */
function fakeSinew(): SinewGlobal & { calls: string[]; emit(event: string, payload: unknown): void } {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: string[] = [];
  return {
    calls,
    init: () => calls.push('init'),
    open: (o) => calls.push(`open ${o?.flowId ?? ''}`.trim()),
    link: (f, c) => calls.push(`link ${f} ${c}`),
    reconnect: (f, c) => calls.push(`reconnect ${f} ${c}`),
    close: () => calls.push('close'),
    on(event, fn) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(fn);
      return () => listeners.get(event)!.delete(fn);
    },
    emit: (event, payload) => {
      for (const fn of listeners.get(event) ?? []) fn(payload);
    },
  };
}

/** The React wrapper's core (packages/sinew-react): calls made before widget.js loads are not lost. */
describe('@sinew/react: useSinew() before and after the widget loads', () => {
  test('calls and listeners made while loading run in order once it has loaded; a listener stopped early never runs', async () => {
    const sinew = fakeSinew();
    let loaded!: (s: SinewGlobal) => void;
    const handle = createSinewHandle(new Promise((r) => (loaded = r)));
    const heard: unknown[] = [];
    handle.on('connector:link', (p) => heard.push(p));
    const stopped = handle.on('connector:link', () => heard.push('stopped one'));
    stopped();
    handle.open({ flowId: 'crm' });
    handle.link('crm', 'csv');
    assert.deepEqual(sinew.calls, []);
    loaded(sinew);
    await Promise.resolve();
    await Promise.resolve();
    assert.deepEqual(sinew.calls, ['open crm', 'link crm csv']);
    sinew.emit('connector:link', { connector_id: 'csv' });
    assert.deepEqual(heard, [{ connector_id: 'csv' }]);
    handle.reconnect('crm', 'csv');
    handle.close();
    assert.deepEqual(sinew.calls.slice(2), ['reconnect crm csv', 'close']);
  });

  test('a widget that fails to load is reported, not thrown at the caller', async () => {
    const errors: unknown[] = [];
    const handle = createSinewHandle(Promise.reject(new Error('could not load')), (e) => errors.push(e));
    handle.open();
    await new Promise((r) => setImmediate(r));
    assert.equal((errors[0] as Error).message, 'could not load');
  });
});
