import { environmentSettings } from './environment-settings.js';
import { widgetSettings } from './widget-settings.js';

type Doc = Record<string, unknown>;

/**
 * What `GET /{env}/settings` shows: the value in force of every setting, defaults included — a
 * newcomer sees every job setting before changing any — and under `set` the ones the owner has
 * set (`job_settings.force_full_sync`, `monitoring.slack`…). `set` is read-only: a PUT ignores it.
 */
export function settingsView(redactedStored: Doc): Doc {
  const s = environmentSettings(redactedStored);
  return {
    job_settings: s.job_settings,
    monitoring: { allow_private_urls: false, ...s.monitoring },
    storage: { type: 'default', ...s.storage },
    network: { allow_private_addresses: false, ...s.network },
    files: s.files,
    retention: s.retention,
    widget: widgetSettings(redactedStored),
    set: setPaths(redactedStored),
  };
}

function setPaths(stored: Doc): string[] {
  const paths: string[] = [];
  for (const [section, value] of Object.entries(stored)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      for (const key of Object.keys(value)) paths.push(`${section}.${key}`);
    else paths.push(section);
  }
  return paths.sort();
}
