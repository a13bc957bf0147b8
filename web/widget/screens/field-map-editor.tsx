import { useEffect, useMemo, useState } from 'preact/hooks';
import { linkNames, messageOf, useWidget } from '../context.js';
import { fieldMapOf, type Selection, selectionOf, streamsOf } from '../field-selection.js';
import { type ConnectorView, type FlowView, type LinkView, saveFieldMap } from '../tenant-api.js';

/**
 * What to sync: the link's catalog (streams and their fields), with search, select all, required
 * fields locked on, and a refresh of the catalog (a discover). Saved as a field map the flow's
 * tenant limits allow (selection only: no renames, no fixed values).
 */
export function FieldMapEditor({
  flow,
  connector,
  link,
  reload,
}: {
  flow: FlowView;
  connector: ConnectorView;
  link: LinkView;
  reload: () => Promise<void>;
}) {
  const { api, emit } = useWidget();
  const streams = useMemo(() => streamsOf(link.catalog?.streams ?? []), [link]);
  const [selection, setSelection] = useState<Selection>(() => selectionOf(streams, link.field_map));
  // A refreshed catalog brings streams the selection has not seen: they start as the field map says.
  useEffect(() => setSelection(selectionOf(streams, link.field_map)), [streams]);
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<{ kind: 'ok' | 'error' | 'busy'; text: string } | null>(null);
  const canRefresh = flow.type === 'v2' && connector.discover;

  if (flow.tenant_limits.field_map === 'none') return <p class="sw-muted">The fields synced are chosen for you.</p>;

  const refresh = async (): Promise<void> => {
    setStatus({ kind: 'busy', text: 'Looking for streams and fields…' });
    try {
      await api.discover(flow, connector.id, { cancelled: false });
      await reload();
      setStatus({ kind: 'ok', text: 'The list of streams and fields is up to date.' });
    } catch (e) {
      setStatus({ kind: 'error', text: messageOf(e) });
    }
  };
  const save = async (): Promise<void> => {
    setStatus({ kind: 'busy', text: 'Saving…' });
    const fieldMap = fieldMapOf(streams, selection);
    try {
      await saveFieldMap(api, flow, link, fieldMap);
      emit('fieldmap:save', { ...linkNames(api, flow.flow_id, connector.id), field_map: fieldMap });
      setStatus({ kind: 'ok', text: 'Saved: the next sync uses these fields.' });
    } catch (e) {
      setStatus({ kind: 'error', text: messageOf(e) });
    }
  };
  const q = query.trim().toLowerCase();
  const setStream = (id: string, selected: boolean, allFields?: boolean): void => {
    const cur = selection[id];
    if (!cur) return;
    const fields = allFields === undefined ? cur.fields : Object.fromEntries(Object.keys(cur.fields).map((f) => [f, allFields]));
    setSelection({ ...selection, [id]: { selected, fields } });
  };
  const everyField = streams.every((s) => selection[s.id]?.selected && s.fields.every((f) => selection[s.id]!.fields[f.name]));

  return (
    <div>
      <div class="sw-row" style={{ marginBottom: '12px' }}>
        <div class="sw-field" style={{ flex: 1, margin: 0 }}>
          <label class="sw-sr" for="sw-search">
            Search streams and fields
          </label>
          <input
            id="sw-search"
            type="search"
            placeholder="Search streams and fields"
            value={query}
            onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
          />
        </div>
        {canRefresh ? (
          <button class="sw-btn sw-secondary" type="button" onClick={refresh} disabled={status?.kind === 'busy'}>
            Refresh
          </button>
        ) : null}
      </div>
      {streams.length === 0 ? (
        <p class="sw-muted">
          {canRefresh ? 'No streams yet: press Refresh to look for them.' : 'No streams are known yet: they appear after the first sync.'}
        </p>
      ) : (
        <>
          <label class="sw-row" style={{ marginBottom: '10px' }}>
            <input
              type="checkbox"
              checked={everyField}
              onChange={(e) => {
                const on = (e.target as HTMLInputElement).checked;
                setSelection(
                  Object.fromEntries(
                    streams.map((s) => [s.id, { selected: on, fields: Object.fromEntries(s.fields.map((f) => [f.name, on || f.locked])) }]),
                  ),
                );
              }}
            />
            Select all
          </label>
          {streams
            .filter((s) => q === '' || s.id.toLowerCase().includes(q) || s.fields.some((f) => f.name.toLowerCase().includes(q)))
            .map((s) => {
              const sel = selection[s.id];
              if (!sel) return null;
              return (
                <fieldset key={s.id} class="sw-stream" data-stream={s.id} style={{ padding: 0 }}>
                  <legend class="sw-sr">{s.id}</legend>
                  <label>
                    <input
                      type="checkbox"
                      checked={sel.selected}
                      onChange={(e) =>
                        setStream(s.id, (e.target as HTMLInputElement).checked, (e.target as HTMLInputElement).checked ? true : undefined)
                      }
                    />
                    {s.id}
                    <span class="sw-muted">
                      ({s.fields.filter((f) => sel.selected && sel.fields[f.name]).length}/{s.fields.length} fields)
                    </span>
                  </label>
                  {sel.selected ? (
                    <div class="sw-fields">
                      {s.fields
                        .filter((f) => q === '' || s.id.toLowerCase().includes(q) || f.name.toLowerCase().includes(q))
                        .map((f) => (
                          <label key={f.name}>
                            <input
                              type="checkbox"
                              name={`${s.id}.${f.name}`}
                              checked={f.locked || sel.fields[f.name]}
                              disabled={f.locked}
                              onChange={(e) =>
                                setSelection({
                                  ...selection,
                                  [s.id]: { ...sel, fields: { ...sel.fields, [f.name]: (e.target as HTMLInputElement).checked } },
                                })
                              }
                            />
                            {f.name}
                            {f.locked ? <span class="sw-badge">required</span> : null}
                          </label>
                        ))}
                    </div>
                  ) : null}
                </fieldset>
              );
            })}
          <button class="sw-btn" type="button" onClick={save} disabled={status?.kind === 'busy'}>
            Save fields
          </button>
        </>
      )}
      {status ? (
        <p
          class={status.kind === 'error' ? 'sw-alert' : status.kind === 'ok' ? 'sw-note' : 'sw-muted'}
          role={status.kind === 'error' ? 'alert' : 'status'}
          style={{ marginTop: '12px' }}
        >
          {status.text}
        </p>
      ) : null}
    </div>
  );
}
