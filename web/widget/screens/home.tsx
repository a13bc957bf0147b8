import { useEffect, useState } from 'preact/hooks';
import { messageOf, useWidget } from '../context.js';
import type { FlowView, LinkView } from '../tenant-api.js';
import { ConnectorIcon, HealthBadge } from './connector-icon.js';

/** The flows and connectors the tenant may link, each linked or not and how healthy. */
export function Home() {
  const { api, go, flows, lock } = useWidget();
  const [links, setLinks] = useState<Record<string, LinkView[]> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shown = flows.filter((f) => lock.flowId === null || f.flow_id === lock.flowId);

  useEffect(() => {
    let live = true;
    Promise.all(shown.map(async (f) => [f.flow_id, await api.links(f)] as const))
      .then((pairs) => live && setLinks(Object.fromEntries(pairs)))
      .catch((e) => live && setError(messageOf(e)));
    return () => {
      live = false;
    };
  }, [flows]);

  if (error)
    return (
      <p class="sw-alert" role="alert">
        {error}
      </p>
    );
  if (!links) return <p aria-busy="true">Loading…</p>;
  if (shown.length === 0) return <p class="sw-muted">There is nothing to connect yet.</p>;
  return (
    <div>
      {shown.map((flow: FlowView) => (
        <section key={flow.flow_id} aria-labelledby={`sw-flow-${flow.flow_id}`}>
          <h2 class="sw-section-title" id={`sw-flow-${flow.flow_id}`}>
            {flow.name}
          </h2>
          <ul class="sw-list">
            {flow.connectors
              .filter((c) => lock.connectorId === null || c.id === lock.connectorId)
              .map((c) => {
                const link = links[flow.flow_id]?.find((l) => l.connector_id === c.id);
                return (
                  <li key={c.id} class="sw-card" data-connector={c.id}>
                    <ConnectorIcon connector={c} />
                    <div class="sw-grow">
                      <div class="sw-name">{c.label}</div>
                      <HealthBadge status={link ? link.health.status : null} />
                    </div>
                    {link ? (
                      <button
                        type="button"
                        class="sw-btn sw-secondary"
                        aria-label={`Manage ${c.label}`}
                        onClick={() => go({ kind: 'link', flowId: flow.flow_id, connectorId: c.id })}
                      >
                        Manage
                      </button>
                    ) : (
                      <button
                        type="button"
                        class="sw-btn"
                        aria-label={`Connect ${c.label}`}
                        onClick={() => go({ kind: 'connect', flowId: flow.flow_id, connectorId: c.id, relink: false })}
                      >
                        Connect
                      </button>
                    )}
                  </li>
                );
              })}
          </ul>
        </section>
      ))}
    </div>
  );
}
