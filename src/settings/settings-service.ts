import type { Store } from '../store/store.js';
import { notFound } from '../errors/sinew-error.js';
import { jobSettingsSchema, monitoringSchema, storageSettingsSchema } from './environment-settings.js';
import { redactConfig, restoreRedacted } from '../connectors/config-redaction.js';
import { refusedMonitoringUrls } from '../events/monitoring-url-check.js';
import { invalid } from '../errors/sinew-error.js';

/**
 * Environment settings: job settings, monitoring (webhooks, Datadog, Slack) and storage. Stored as
 * one document; secrets in it (webhook secrets, API keys) are shown redacted. A PUT merges top-level
 * sections so that one section can be changed without resending the others.
 */
export const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    job_settings: jobSettingsSchema,
    monitoring: monitoringSchema,
    storage: storageSettingsSchema,
  },
} as const;

export class SettingsService {
  constructor(
    private readonly store: Store,
    /** Runtime flag (SINEW_WEBHOOK_ALLOW_LOOPBACK): loopback monitoring URLs may be saved. */
    private readonly allowLoopback = false,
  ) {}

  async get(envId: string): Promise<Record<string, unknown>> {
    const env = await this.store.getEnvironment(envId);
    if (!env) throw notFound('environment', { env_id: envId });
    return redactConfig(env.settings) as Record<string, unknown>;
  }

  async put(envId: string, patch: Record<string, unknown>): Promise<Record<string, unknown>> {
    await this.store.transaction(async (tx) => {
      const env = await tx.getEnvironment(envId);
      if (!env) throw notFound('environment', { env_id: envId });
      const sections = restoreRedacted(patch, env.settings) as Record<string, unknown>;
      // Sections merge field by field: a PUT of one job setting leaves the others as they were.
      const merged: Record<string, unknown> = { ...env.settings };
      for (const [name, section] of Object.entries(sections)) {
        merged[name] = { ...((env.settings[name] ?? {}) as Record<string, unknown>), ...(section as Record<string, unknown>) };
      }
      // Webhook/Slack URLs to loopback or private addresses are refused on save (the check that
      // counts runs again on every connection: src/events/address-policy.ts).
      const refused = refusedMonitoringUrls(sections.monitoring as Record<string, unknown> | undefined, merged.monitoring as Record<string, unknown> | undefined, this.allowLoopback);
      if (refused.length > 0) throw invalid(`monitoring URL refused: ${refused.join('; ')}`, { refused });
      await tx.putEnvironment({ ...env, settings: merged });
    });
    return this.get(envId);
  }
}
