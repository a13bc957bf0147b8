import { useState } from 'preact/hooks';
import { useApi } from '../api-context.js';
import type { LinkRef } from '../link-calls.js';
import { linkCalls } from '../link-calls.js';
import { ActionButton, ErrorNote } from '../ui.js';
import { useLoad } from '../use-load.js';

/**
 * A link's incremental state (the bookmarks its next job starts from): shown as JSON, edited in
 * place (saved only when it parses as an object), reset after a confirmation — the next job then
 * reads everything again.
 */
export function LinkState({ link }: { link: LinkRef }) {
  const { api } = useApi();
  const calls = linkCalls(api, link);
  const state = useLoad(() => calls.state(), [link.flow, link.tenant, link.role, link.connector]);
  const [draft, setDraft] = useState<string | null>(null);
  const [saved, setSaved] = useState('');
  const text = JSON.stringify(state.data ?? {}, null, 2);
  const id = `state-${link.flow}-${link.role}-${link.connector}`;
  const save = async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(draft ?? '');
    } catch (e) {
      throw new Error(`The state is not valid JSON: ${(e as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('The state must be a JSON object.');
    await calls.putState(parsed as Record<string, unknown>);
    setDraft(null);
    state.reload();
    setSaved('State saved.');
  };
  return (
    <div>
      <h3 id={`${id}-title`}>Incremental state</h3>
      <ErrorNote error={state.error} />
      {draft === null ? (
        <>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable so keyboard users can scroll it (WCAG 2.1.1; not every browser makes scrollers focusable) */}
          <section class="json" aria-labelledby={`${id}-title`} tabIndex={0} data-testid="link-state">
            {text}
          </section>
          <div class="actions" style="margin-top:8px">
            <button
              type="button"
              onClick={() => {
                setSaved('');
                setDraft(text);
              }}
            >
              Edit state
            </button>
            <ActionButton
              label="Reset state"
              kind="danger"
              confirm="The next job will read everything again."
              run={async () => {
                await calls.resetState();
                state.reload();
                setSaved('State reset.');
              }}
            />
            {saved ? (
              <span class="notice" role="status">
                {saved}
              </span>
            ) : null}
          </div>
        </>
      ) : (
        <>
          <label>
            State (JSON)
            <textarea value={draft} rows={10} onInput={(e) => setDraft((e.target as HTMLTextAreaElement).value)} />
          </label>
          <div class="actions" style="margin-top:8px">
            <ActionButton label="Save state" kind="primary" run={save} />
            <button type="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
        </>
      )}
    </div>
  );
}
