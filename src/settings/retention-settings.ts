/**
 * The `retention` section of the environment settings: how long finished jobs (rows and job files)
 * and delivered or dead events (with their deliveries and attempts) are kept. Off by default
 * (`null`): nothing is deleted unless the owner says so, as before this setting existed. The
 * pruning itself runs in the scheduler role (src/retention).
 */
export interface RetentionSettings {
  /** Terminal jobs created more than this many days ago are deleted with their files; null: kept forever. */
  jobs_days: number | null;
  /** Delivered, failed or undeliverable events older than this are deleted; null: kept forever. */
  events_days: number | null;
}

export const DEFAULT_RETENTION: RetentionSettings = { jobs_days: null, events_days: null };

// Whole days from one to ten years: a fraction of a day reads as a mistake, and 0 would prune
// jobs the moment they end, before the owner's webhooks or dashboard have looked at them.
const days = { type: ['integer', 'null'], minimum: 1, maximum: 3650 } as const;

export const retentionSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { jobs_days: days, events_days: days },
} as const;

/** The section in force: the owner's values over the defaults. */
export function retentionSettings(section: unknown): RetentionSettings {
  const set = (section ?? {}) as Partial<RetentionSettings>;
  return {
    jobs_days: typeof set.jobs_days === 'number' ? set.jobs_days : null,
    events_days: typeof set.events_days === 'number' ? set.events_days : null,
  };
}
