import { isLosslessNumber } from 'lossless-json';
import type { JsonSchema } from '../../model/json-schema.js';
import { isDateTimeText } from './date-time-text.js';

type Kind = 'integer' | 'number' | 'boolean' | 'string' | 'object' | 'array';

/** Order in which kinds are listed in a union `type`, so inferred schemas are stable. */
const KIND_ORDER: readonly Kind[] = ['integer', 'number', 'boolean', 'string', 'object', 'array'];

function kindOf(value: unknown): Kind | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'bigint') return 'integer';
  if (isLosslessNumber(value)) return /^-?\d+$/.test(value.value) ? 'integer' : 'number';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return 'string';
}

/**
 * What has been seen in one slot (a property, or the items of an array) across the sample.
 * Objects and arrays are followed recursively so nested records get real schemas.
 */
class SlotAccumulator {
  constructor(private readonly textual: boolean) {}

  private readonly kinds = new Set<Kind>();
  private everyStringIsDateTime = true;
  private properties: Map<string, SlotAccumulator> | null = null;
  private items: SlotAccumulator | null = null;

  observe(value: unknown): void {
    const kind = kindOf(value);
    if (kind === null) return;
    this.kinds.add(kind);
    if (kind === 'string' && this.everyStringIsDateTime) {
      this.everyStringIsDateTime = isDateTimeText(value as string);
    } else if (kind === 'object') {
      this.properties ??= new Map();
      observeProperties(this.properties, value as Record<string, unknown>, this.textual);
    } else if (kind === 'array') {
      this.items ??= new SlotAccumulator(this.textual);
      for (const item of value as unknown[]) this.items.observe(item);
    }
  }

  /** Every inferred property is nullable: a sample never proves a value is always present. */
  schema(): JsonSchema {
    const kinds = KIND_ORDER.filter((k) => this.kinds.has(k) && !(k === 'integer' && this.kinds.has('number')));
    if (kinds.length === 0) return { type: ['string', 'null'] };
    // Every value of a textual source was text to begin with: a column mixing "02134" and 10001
    // is a text column, not a union.
    if (this.textual && kinds.length > 1) return { type: ['string', 'null'] };
    const schema: JsonSchema = { type: [...kinds, 'null'] };
    if (kinds.length === 1 && kinds[0] === 'string' && this.everyStringIsDateTime) schema.format = 'date-time';
    if (this.properties) schema.properties = propertiesSchema(this.properties);
    if (this.items) schema.items = this.items.schema();
    return schema;
  }
}

function observeProperties(slots: Map<string, SlotAccumulator>, record: Record<string, unknown>, textual: boolean): void {
  for (const [name, value] of Object.entries(record)) {
    let slot = slots.get(name);
    if (!slot) {
      slot = new SlotAccumulator(textual);
      slots.set(name, slot);
    }
    slot.observe(value);
  }
}

function propertiesSchema(slots: Map<string, SlotAccumulator>): Record<string, JsonSchema> {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, slot] of slots) properties[name] = slot.schema();
  return properties;
}

/**
 * Infers a stream's JSON Schema from sample records: integer, number, boolean, date-time, string,
 * object and array per property, unions where the sample disagrees, everything nullable.
 */
export class SchemaInferrer {
  private readonly slots = new Map<string, SlotAccumulator>();

  /**
   * `textual`: the values were parsed from text (CSV cells), so a property whose sample mixes
   * kinds is a string property rather than a union of types.
   */
  constructor(private readonly options: { textual?: boolean } = {}) {}

  private get textual(): boolean {
    return this.options.textual ?? false;
  }

  /** Declares properties up front (e.g. a CSV header) so they exist even when every value is empty. */
  declare(names: Iterable<string>): void {
    for (const name of names) if (!this.slots.has(name)) this.slots.set(name, new SlotAccumulator(this.textual));
  }

  observe(record: Record<string, unknown>): void {
    observeProperties(this.slots, record, this.textual);
  }

  schema(): JsonSchema {
    return { type: 'object', properties: propertiesSchema(this.slots) };
  }
}
