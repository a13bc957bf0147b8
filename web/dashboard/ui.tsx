import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiError } from '../shared/api-client.js';
import { statusTone } from './format.js';

/** The small pieces every page is made of. */

export function Badge({ status }: { status: string }) {
  return <span class={`badge ${statusTone(status)}`}>{status}</span>;
}

export function ErrorNote({ error }: { error: ApiError | Error | undefined | null }) {
  if (!error) return null;
  const code = (error as ApiError).code;
  return (
    <p class="error" role="alert">
      {code ? <strong>{code}: </strong> : null}
      {error.message}
    </p>
  );
}

export function Loading({ when }: { when: boolean }) {
  return when ? (
    <p class="muted" aria-live="polite">
      Loading…
    </p>
  ) : null;
}

/** What an action just did, announced to screen readers; nothing when there is nothing to say. */
export function SavedNotice({ text }: { text: string }) {
  return text ? (
    <p class="notice" role="status">
      {text}
    </p>
  ) : null;
}

export function Section({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="card" aria-label={title}>
      <header class="card-head">
        <h2>{title}</h2>
        {actions ? <div class="actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

/** A definition list of label → value pairs. */
export function Facts({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="facts">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * A button that acts, showing its own error and disabling itself while the call runs. With
 * `confirm`, the first press asks again in place (an irreversible action needs a second, deliberate press).
 */
export function ActionButton({
  label,
  run,
  confirm,
  kind,
}: {
  label: string;
  run: () => Promise<unknown>;
  confirm?: string;
  kind?: 'danger' | 'primary';
}) {
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      await run();
      setAsking(false);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      {asking ? (
        <fieldset aria-label={`Confirm: ${label}`} class="confirm">
          <span>{confirm}</span>
          <button type="button" class="danger" disabled={busy} onClick={go}>
            Yes, {label.toLowerCase()}
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            Keep it
          </button>
        </fieldset>
      ) : (
        <button type="button" class={kind ?? ''} disabled={busy} onClick={confirm ? () => setAsking(true) : go}>
          {busy ? `${label}…` : label}
        </button>
      )}
      <ErrorNote error={error} />
    </span>
  );
}

/** Pretty JSON, as a read-only block: a named region, scrollable from the keyboard. */
export function Json({ value, label }: { value: unknown; label: string }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable so keyboard users can scroll it (WCAG 2.1.1; not every browser makes scrollers focusable)
    <section class="json" aria-label={label} tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </section>
  );
}
