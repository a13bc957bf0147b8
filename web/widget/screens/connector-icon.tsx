import type { ConnectorView } from '../tenant-api.js';

/** The connector's icon from the owner's settings, or its initial on the accent colour. */
export function ConnectorIcon({ connector }: { connector: ConnectorView }) {
  if (connector.icon_url) return <img class="sw-avatar" src={connector.icon_url} alt="" />;
  return (
    <span class="sw-avatar" aria-hidden="true">
      {connector.label.charAt(0).toUpperCase()}
    </span>
  );
}

const HEALTH: Record<string, { text: string; cls: string }> = {
  ok: { text: 'Connected', cls: 'sw-ok' },
  invalid: { text: 'Needs reconnecting', cls: 'sw-bad' },
  unknown: { text: 'Linked', cls: 'sw-ok' },
};

export function HealthBadge({ status }: { status: string | null }) {
  if (status === null) return <span class="sw-badge">Not linked</span>;
  const h = HEALTH[status] ?? HEALTH.unknown!;
  return <span class={`sw-badge ${h.cls}`}>{h.text}</span>;
}
