import type { EventKind } from '../model/event.js';
import { isFailureStatus } from '../model/job-phases.js';
import type { MonitoringSettings, WebhookSubscription } from '../settings/environment-settings.js';

/**
 * Where an event goes: `webhook` (the kind's subscription, or for a job lifecycle event the job's
 * `override_lifecycle_webhook` instead), `datadog` (every job status change) and `slack` (failed
 * jobs). Chosen once, when the event is dispatched (fanned out, normally within milliseconds of the
 * commit), from the environment's settings at that moment.
 */
export type Destination = 'webhook' | 'datadog' | 'slack';
export const DESTINATIONS: readonly Destination[] = ['webhook', 'datadog', 'slack'];

// A failed phase's status, from the table of phases; read from an event payload, so any value.
export const isFailedStatus = (status: unknown): boolean => isFailureStatus(status);

/** The job's own lifecycle URL, when the job was created with one. */
export function overrideWebhook(kind: EventKind, payload: Record<string, unknown>): string | null {
  if (kind !== 'job_lifecycle') return null;
  const url = payload.override_lifecycle_webhook;
  return typeof url === 'string' && url !== '' ? url : null;
}

/**
 * The webhook an event of this kind goes to. An override URL is signed with the environment's job
 * lifecycle secret, when one is set.
 */
export function webhookFor(kind: EventKind, payload: Record<string, unknown>, monitoring: MonitoringSettings): WebhookSubscription | null {
  const sub = monitoring.webhooks?.[kind];
  const override = overrideWebhook(kind, payload);
  if (override) return { url: override, ...(sub?.secret ? { secret: sub.secret } : {}) };
  return sub?.url ? sub : null;
}

export function destinationsFor(kind: EventKind, payload: Record<string, unknown>, monitoring: MonitoringSettings): Destination[] {
  const out: Destination[] = [];
  if (webhookFor(kind, payload, monitoring)) out.push('webhook');
  if (kind === 'job_lifecycle' && monitoring.datadog?.api_key && monitoring.datadog.site) out.push('datadog');
  if (kind === 'job_lifecycle' && monitoring.slack?.webhook_url && isFailedStatus(payload.status)) out.push('slack');
  return out;
}
