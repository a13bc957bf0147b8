import path from 'node:path';
import { restoreRedacted } from '../crypto/config-redaction.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { invalid, notFound } from '../errors/sinew-error.js';
import type { Store } from '../store/store.js';
import {
  environmentAddressPolicy,
  filesSettingsSchema,
  jobSettingsSchema,
  monitoringSchema,
  networkSettingsSchema,
  storageSettingsSchema,
} from './environment-settings.js';
import { refusedMonitoringUrls } from './monitoring-url-check.js';
import { retentionSettingsSchema } from './retention-settings.js';
import { hasClearSecrets, openSettings, redactSettings, sealSettings } from './settings-secrets.js';
import { settingsView } from './settings-view.js';
import { widgetSettingsSchema } from './widget-settings.js';

/**
 * Environment settings: job settings, monitoring (webhooks, Datadog, Slack), storage, network, files and retention. Stored as
 * one document; its secrets (webhook secrets, API keys, the Slack URL) are sealed at rest and shown
 * redacted (settings-secrets.ts). A PUT merges top-level
 * sections so that one section can be changed without resending the others.
 */
export const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    job_settings: jobSettingsSchema,
    monitoring: monitoringSchema,
    storage: storageSettingsSchema,
    network: networkSettingsSchema,
    files: filesSettingsSchema,
    retention: retentionSettingsSchema,
    widget: widgetSettingsSchema,
    set: { type: 'array', items: { type: 'string' }, description: 'Read-only (which settings the owner has set): ignored when sent back' },
  },
} as const;

/**
 * `files.root` is compared with resolved paths, so it must already be in that form: absolute,
 * without `.`/`..` segments, doubled or trailing slashes.
 */
function checkFilesRoot(files: Record<string, unknown> | undefined): void {
  const root = files?.root;
  if (typeof root !== 'string') return;
  if (!path.isAbsolute(root) || path.resolve(root) !== root || root.includes('\0')) {
    throw invalid('files.root must be an absolute path without ".", ".." or trailing slashes (e.g. /srv/sinew-files)', {
      field: 'files.root',
    });
  }
}

export class SettingsService {
  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    /** Runtime flag (SINEW_OUTBOUND_ALLOW_LOOPBACK): loopback monitoring URLs may be saved. */
    private readonly allowLoopback = false,
  ) {}

  async get(envId: string): Promise<Record<string, unknown>> {
    const env = await this.store.environments.get(envId);
    if (!env) throw notFound('environment', { env_id: envId });
    return settingsView(redactSettings(env.settings));
  }

  async put(envId: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    // `set` is what GET adds; a GET sent back as it was must save.
    const { set: _readOnly, ...patch } = body;
    await this.store.transaction(async (tx) => {
      const env = await tx.environments.get(envId);
      if (!env) throw notFound('environment', { env_id: envId });
      // In clear while merged and checked (a `********` sent back takes the stored value), sealed again to be stored.
      const stored = openSettings(this.box, env.settings);
      const sections = restoreRedacted(patch, stored) as Record<string, unknown>;
      checkFilesRoot(sections.files as Record<string, unknown> | undefined);
      // Sections merge field by field: a PUT of one job setting leaves the others as they were.
      const merged: Record<string, unknown> = { ...stored };
      for (const [name, section] of Object.entries(sections)) {
        merged[name] = { ...((stored[name] ?? {}) as Record<string, unknown>), ...(section as Record<string, unknown>) };
      }
      // Webhook/Slack URLs to loopback or private addresses are refused on save (the check that
      // counts runs again on every connection: src/outbound/guarded-lookup.ts).
      const policy = environmentAddressPolicy(merged, this.allowLoopback, 'monitoring');
      const refused = refusedMonitoringUrls(sections.monitoring as Record<string, unknown> | undefined, policy);
      if (refused.length > 0) throw invalid(`monitoring URL refused: ${refused.join('; ')}`, { refused });
      await tx.environments.put({ ...env, settings: sealSettings(this.box, merged) });
    });
    return this.get(envId);
  }

  /**
   * Seals the secrets that settings saved before sealing existed still hold in clear (run at
   * start). Each environment in its own transaction, read again there: a save made meanwhile wins.
   */
  async sealClearSecrets(): Promise<number> {
    let sealed = 0;
    for (const listed of await this.store.environments.list()) {
      if (!hasClearSecrets(listed.settings)) continue;
      await this.store.transaction(async (tx) => {
        const env = await tx.environments.get(listed.env_id);
        if (!env || !hasClearSecrets(env.settings)) return;
        await tx.environments.put({ ...env, settings: sealSettings(this.box, env.settings) });
        sealed++;
      });
    }
    return sealed;
  }
}
