/**
 * The key of a write job's records: `externalId` (the owner's id, which the export upserts by)
 * when every record has one, else `id` when every record has one, else none.
 */
export function apiKeyProperties(records: ReadonlyArray<Record<string, unknown>>): string[] {
  if (records.length === 0) return [];
  const everyHas = (field: string) => records.every((r) => r[field] !== undefined && r[field] !== null);
  if (everyHas('externalId')) return ['externalId'];
  if (everyHas('id')) return ['id'];
  return [];
}
