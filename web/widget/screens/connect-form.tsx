import type { JSX } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { linkNames, messageOf, useWidget } from '../context.js';
import { oauthPopup } from '../oauth-popup.js';
import { configOf, type FormField, type FormValues, formFields, validateForm } from '../schema-form.js';
import type { ConnectorView, FlowView } from '../tenant-api.js';
import { ConnectorIcon } from './connector-icon.js';

function Field({
  f,
  value,
  error,
  onInput,
  keepSecret,
}: {
  f: FormField;
  value: string | boolean | undefined;
  error?: string;
  onInput: (v: string | boolean) => void;
  keepSecret: boolean;
}) {
  const id = `sw-f-${f.name}`;
  const describedBy = [f.help ? `${id}-help` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: f.name,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': f.required || undefined,
  };
  let input: JSX.Element;
  if (f.kind === 'boolean')
    input = (
      <input {...common} type="checkbox" checked={value === true} onChange={(e) => onInput((e.target as HTMLInputElement).checked)} />
    );
  else if (f.kind === 'choice')
    input = (
      <select {...common} value={String(value ?? '')} onChange={(e) => onInput((e.target as HTMLSelectElement).value)}>
        <option value="">{f.placeholder ? `Default (${f.placeholder})` : 'Choose…'}</option>
        {f.choices.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    );
  else {
    const text = {
      ...common,
      spellcheck: false,
      value: String(value ?? ''),
      onInput: (e: Event) => onInput((e.target as HTMLInputElement).value),
    };
    // A secret is a password input: masked, never autofilled from the host's saved passwords.
    input =
      f.kind === 'secret' ? (
        <input {...text} type="password" autoComplete="new-password" placeholder={keepSecret ? 'Unchanged' : f.placeholder} />
      ) : (
        <input
          {...text}
          type="text"
          autoComplete="off"
          inputMode={f.kind === 'integer' ? 'numeric' : f.kind === 'number' ? 'decimal' : undefined}
          placeholder={f.placeholder}
        />
      );
  }
  return (
    <div class="sw-field">
      <label for={id}>
        {f.label}
        {f.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {input}
      {f.help ? (
        <span class="sw-help" id={`${id}-help`}>
          {f.help}
        </span>
      ) : null}
      {error ? (
        <span class="sw-error" id={`${id}-err`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** The connect form from the connector's config schema, or its OAuth sign-in; a relink keeps secrets left empty. */
export function ConnectForm({ flow, connector, relink }: { flow: FlowView; connector: ConnectorView; relink: boolean }) {
  const { api, emit, go } = useWidget();
  const oauth = connector.auth === 'oauth2';
  const fields = useMemo(() => formFields(connector.config_schema), [connector]);
  const [values, setValues] = useState<FormValues>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const names = linkNames(api, flow.flow_id, connector.id);

  const failed = (code: string, message: string, field?: unknown): void => {
    setServerError(message);
    if (typeof field === 'string' && fields.some((f) => f.name === field)) setErrors({ [field]: message });
    emit('connector:link-failed', { ...names, reason: { code, message } });
  };
  const linked = async (): Promise<void> => {
    emit(relink ? 'connector:relink' : 'connector:link', names);
    await reloadAndOpen();
  };
  const { reloadFlows } = useWidget();
  const reloadAndOpen = async (): Promise<void> => {
    await reloadFlows();
    go({ kind: 'link', flowId: flow.flow_id, connectorId: connector.id });
  };

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setServerError(null);
    const found = validateForm(fields, values, relink || oauth);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const config = configOf(fields, values, relink && !oauth);
    setBusy(true);
    try {
      if (oauth) {
        const outcome = await oauthPopup(api.apiOrigin, api.startOAuth(flow, connector.id, config));
        if (outcome.ok) return await linked();
        // A window closed without a message may still have linked (the owner allowed no origin for it).
        if (outcome.code === 'closed' && (await api.links(flow)).some((l) => l.connector_id === connector.id && l.health.status === 'ok'))
          return await linked();
        return failed(outcome.code, outcome.message);
      }
      await api.link(flow, connector.id, config);
      await linked();
    } catch (err) {
      const details = (err as { details?: { field?: unknown } }).details;
      failed((err as { code?: string }).code ?? 'error', messageOf(err), details?.field);
    } finally {
      setBusy(false);
    }
  };

  const shown = oauth ? fields.filter((f) => !f.required || f.kind !== 'secret') : fields;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="sw-connect-title">
      <div class="sw-row" style={{ marginBottom: '14px' }}>
        <ConnectorIcon connector={connector} />
        <h2 id="sw-connect-title" style={{ margin: 0, fontSize: '18px' }}>
          {relink ? 'Reconnect' : 'Connect'} {connector.label}
        </h2>
      </div>
      {serverError ? (
        <div class="sw-alert" role="alert">
          {serverError}
        </div>
      ) : null}
      {shown.map((f) => (
        <Field
          key={f.name}
          f={f}
          value={values[f.name]}
          error={errors[f.name]}
          keepSecret={relink}
          onInput={(v) => setValues({ ...values, [f.name]: v })}
        />
      ))}
      <div class="sw-row">
        <button class="sw-btn" type="submit" disabled={busy}>
          {busy ? 'Connecting…' : oauth ? `Sign in with ${connector.label}` : relink ? 'Save' : 'Connect'}
        </button>
        <button
          class="sw-btn sw-secondary"
          type="button"
          onClick={() => go(relink ? { kind: 'link', flowId: flow.flow_id, connectorId: connector.id } : { kind: 'home' })}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
