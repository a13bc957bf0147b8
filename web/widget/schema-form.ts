/**
 * The connect form's fields, from a connector's config schema (JSON Schema): one input per scalar
 * property, labelled by its `title` (or its name made readable), helped by its `description`,
 * masked when the schema (or, as Sinew's redaction does, the name) says it is a secret. The same
 * schema validates on the client before Sinew validates again on the server.
 */
export interface FormField {
  name: string;
  label: string;
  help: string | null;
  kind: 'text' | 'secret' | 'number' | 'integer' | 'boolean' | 'choice';
  required: boolean;
  choices: string[];
  placeholder: string;
  schema: Record<string, unknown>;
}

// The same names src/connectors/config-redaction.ts treats as credentials.
const SECRET_NAME = /pass(word)?|secret|token|api[_-]?key|private[_-]?key|credential|auth|access[_-]?key|client[_-]?secret/i;

const readable = (name: string): string => {
  const words = name
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const isSecret = (name: string, s: Record<string, unknown>): boolean =>
  s.writeOnly === true || s.secret === true || s.airbyte_secret === true || s.format === 'password' || SECRET_NAME.test(name);

/** The fields a tenant can fill in; object and array properties are left to the owner's defaults. */
export function formFields(schema: Record<string, unknown>): FormField[] {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const fields: FormField[] = [];
  for (const [name, s] of Object.entries(properties)) {
    const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== 'null') : (s.type as string | undefined);
    let kind: FormField['kind'];
    if (Array.isArray(s.enum)) kind = 'choice';
    else if (type === 'boolean') kind = 'boolean';
    else if (type === 'integer') kind = 'integer';
    else if (type === 'number') kind = 'number';
    else if (type === 'string' || type === undefined) kind = isSecret(name, s) ? 'secret' : 'text';
    else continue;
    fields.push({
      name,
      label: typeof s.title === 'string' ? s.title : readable(name),
      help: typeof s.description === 'string' ? s.description : null,
      kind,
      required: required.has(name),
      choices: Array.isArray(s.enum) ? (s.enum as unknown[]).map(String) : [],
      placeholder: s.default !== undefined && typeof s.default !== 'object' ? String(s.default) : '',
      schema: s,
    });
  }
  // Required first, in the schema's order otherwise: what must be filled is seen first.
  return fields.sort((a, b) => Number(b.required) - Number(a.required));
}

export type FormValues = Record<string, string | boolean>;

/** What is wrong with each field's value, by name; empty when the form may be sent. */
export function validateForm(fields: FormField[], values: FormValues, keepSecrets: boolean): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (f.kind === 'boolean') continue;
    const text = typeof v === 'string' ? v.trim() : '';
    if (text === '') {
      // Relinking: a secret left empty keeps the one Sinew holds.
      if (f.required && !(keepSecrets && f.kind === 'secret')) errors[f.name] = `${f.label} is required.`;
      continue;
    }
    const s = f.schema;
    if (f.kind === 'integer' || f.kind === 'number') {
      const n = Number(text);
      if (!Number.isFinite(n) || (f.kind === 'integer' && !Number.isInteger(n)))
        errors[f.name] = `${f.label} must be ${f.kind === 'integer' ? 'a whole number' : 'a number'}.`;
      else if (typeof s.minimum === 'number' && n < s.minimum) errors[f.name] = `${f.label} must be at least ${s.minimum}.`;
      else if (typeof s.maximum === 'number' && n > s.maximum) errors[f.name] = `${f.label} must be at most ${s.maximum}.`;
      continue;
    }
    if (typeof s.minLength === 'number' && text.length < s.minLength)
      errors[f.name] = `${f.label} must be at least ${s.minLength} characters.`;
    else if (typeof s.maxLength === 'number' && text.length > s.maxLength)
      errors[f.name] = `${f.label} must be at most ${s.maxLength} characters.`;
    else if (typeof s.pattern === 'string' && !safeTest(s.pattern, text)) errors[f.name] = `${f.label} is not in the expected format.`;
    else if (f.kind === 'choice' && !f.choices.includes(text)) errors[f.name] = `${f.label} must be one of ${f.choices.join(', ')}.`;
  }
  return errors;
}

function safeTest(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    return true; // a pattern the browser cannot read is left to the server
  }
}

/** The config to send: filled fields, typed; an empty secret on a relink is sent as Sinew's redaction mark (kept). */
export function configOf(fields: FormField[], values: FormValues, keepSecrets: boolean): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (f.kind === 'boolean') {
      if (typeof v === 'boolean') config[f.name] = v;
      continue;
    }
    const text = typeof v === 'string' ? v.trim() : '';
    if (text === '') {
      if (keepSecrets && f.kind === 'secret') config[f.name] = '********';
      continue;
    }
    config[f.name] = f.kind === 'integer' || f.kind === 'number' ? Number(text) : text;
  }
  return config;
}
