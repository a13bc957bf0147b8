import { useEffect, useRef, useState } from 'preact/hooks';
import { linkNames, messageOf, useWidget } from '../context.js';
import type { ConnectorView, FlowView, LinkView } from '../tenant-api.js';
import { ConnectorIcon, HealthBadge } from './connector-icon.js';
import { FieldMapEditor } from './field-map-editor.js';
import { JobList } from './job-list.js';
import { ScheduleEditor } from './schedule-editor.js';

const TABS = [
  { id: 'fields', label: 'Fields' },
  { id: 'schedule', label: 'Schedule' },
  { id: 'syncs', label: 'Syncs' },
  { id: 'connection', label: 'Connection' },
] as const;
type Tab = (typeof TABS)[number]['id'];

/** Unlinking asks first; the confirmation takes the focus so a keyboard user lands on it. */
function Unlink({ flow, connector }: { flow: FlowView; connector: ConnectorView }) {
  const { api, emit, go, reloadFlows } = useWidget();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  const unlink = async (): Promise<void> => {
    try {
      await api.unlink(flow, connector.id);
      emit('connector:unlink', linkNames(api, flow.flow_id, connector.id));
      await reloadFlows();
      go({ kind: 'home' });
    } catch (e) {
      setError(messageOf(e));
    }
  };
  if (!asking)
    return (
      <button class="sw-btn sw-danger" type="button" onClick={() => setAsking(true)}>
        Disconnect…
      </button>
    );
  return (
    <div class="sw-dialog" role="alertdialog" aria-labelledby="sw-unlink-q" aria-describedby="sw-unlink-d">
      <p id="sw-unlink-q" class="sw-name" style={{ marginTop: 0 }}>
        Disconnect {connector.label}?
      </p>
      <p id="sw-unlink-d" class="sw-muted">
        Syncs stop and its schedule is removed. You can connect it again later.
      </p>
      {error ? (
        <p class="sw-alert" role="alert">
          {error}
        </p>
      ) : null}
      <div class="sw-row">
        <button ref={confirmRef} class="sw-btn sw-danger" type="button" onClick={unlink}>
          Yes, disconnect
        </button>
        <button class="sw-btn sw-secondary" type="button" onClick={() => setAsking(false)}>
          Keep it
        </button>
      </div>
    </div>
  );
}

/** One link: what it syncs, when, its recent syncs, and its connection (reconnect, disconnect). */
export function LinkDetail({ flow, connector }: { flow: FlowView; connector: ConnectorView }) {
  const { api, go } = useWidget();
  const [link, setLink] = useState<LinkView | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('fields');
  const load = async (): Promise<void> => {
    try {
      setLink((await api.links(flow)).find((l) => l.connector_id === connector.id) ?? null);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useEffect(() => {
    void load();
  }, [flow.flow_id, connector.id]);

  if (error)
    return (
      <p class="sw-alert" role="alert">
        {error}
      </p>
    );
  if (link === undefined) return <p aria-busy="true">Loading…</p>;
  if (link === null) return <p class="sw-muted">{connector.label} is not connected.</p>;
  const onKey = (e: KeyboardEvent): void => {
    // Arrow keys move along the tabs, as a tab list does.
    const i = TABS.findIndex((t) => t.id === tab);
    const next = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i + TABS.length - 1) % TABS.length : -1;
    if (next < 0) return;
    setTab(TABS[next]!.id);
    ((e.currentTarget as HTMLElement).querySelectorAll('[role=tab]')[next] as HTMLElement | undefined)?.focus();
  };
  return (
    <div>
      <div class="sw-row" style={{ marginBottom: '12px' }}>
        <ConnectorIcon connector={connector} />
        <div class="sw-grow">
          <h2 style={{ margin: 0, fontSize: '18px' }}>{connector.label}</h2>
          <HealthBadge status={link.health.status} />
        </div>
      </div>
      {link.health.status === 'invalid' ? (
        <p class="sw-alert" role="alert">
          {link.health.reason?.message ?? 'The connection stopped working.'} Reconnect it under Connection.
        </p>
      ) : null}
      <div class="sw-tabs" role="tablist" aria-label={`${connector.label} settings`} onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`sw-tab-${t.id}`}
            class="sw-tab"
            aria-selected={tab === t.id}
            aria-controls={`sw-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`sw-panel-${tab}`} aria-labelledby={`sw-tab-${tab}`}>
        {tab === 'fields' ? <FieldMapEditor flow={flow} connector={connector} link={link} reload={load} /> : null}
        {tab === 'schedule' ? <ScheduleEditor flow={flow} connector={connector} /> : null}
        {tab === 'syncs' ? <JobList flow={flow} connector={connector} /> : null}
        {tab === 'connection' ? (
          <div class="sw-row" style={{ alignItems: 'flex-start', flexDirection: 'column' }}>
            <button
              class="sw-btn sw-secondary"
              type="button"
              onClick={() => go({ kind: 'connect', flowId: flow.flow_id, connectorId: connector.id, relink: true })}
            >
              Reconnect
            </button>
            <Unlink flow={flow} connector={connector} />
          </div>
        ) : null}
      </div>
    </div>
  );
}
