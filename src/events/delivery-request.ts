import { createHmac } from 'node:crypto';
import type { EventKind } from '../model/event.js';
import type { MonitoringSettings } from '../settings/environment-settings.js';
import { stringifyJson } from '../singer/lossless-json.js';
import { isFailedStatus, webhookFor, type Destination } from './event-destinations.js';
import type { OutgoingRequest } from './http-sender.js';

export const USER_AGENT = 'Sinew/0.1.0';
export const EVENT_ID_HEADER = 'x-sinew-event-id';
export const TIMESTAMP_HEADER = 'x-sinew-timestamp';

export interface EventToSend {
  event_id: string;
  env_id: string;
  kind: EventKind;
  payload: Record<string, unknown>;
  /** The payload as committed, when at hand: sent byte for byte instead of serializing again. */
  payload_text?: string;
}

/** Lowercase hex HMAC-SHA1 of the exact body bytes: what the seed's JavaScript check recomputes. */
export function hubSignature(secret: string, body: Buffer): string {
  return createHmac('sha1', secret).update(body).digest('hex');
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** Headers every destination gets: the event id is the same on every retry, so receivers can de-duplicate. */
function commonHeaders(event: EventToSend): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    [EVENT_ID_HEADER]: event.event_id,
    [TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)),
  };
}

/** The signed webhook POST: the payload as stored (numbers exact), signed when a secret is set. */
function webhookRequest(event: EventToSend, monitoring: MonitoringSettings): OutgoingRequest | string {
  const sub = webhookFor(event.kind, event.payload, monitoring);
  if (!sub) return `no ${event.kind} webhook is configured any more`;
  const body = Buffer.from(event.payload_text ?? stringifyJson(event.payload), 'utf8');
  const headers = commonHeaders(event);
  if (sub.secret) headers['x-hub-signature'] = hubSignature(sub.secret, body);
  return { url: sub.url, headers, body };
}

/** Datadog events API v1: https://docs.datadoghq.com/api/latest/events/#post-an-event */
function datadogRequest(event: EventToSend, monitoring: MonitoringSettings, urlTemplate: string): OutgoingRequest | string {
  const dd = monitoring.datadog;
  if (!dd?.api_key || !dd.site) return 'Datadog is not configured any more';
  const job = event.payload;
  const status = str(job.status);
  const text = ['job_id', 'flow_id', 'tenant', 'status', 'job_name', 'tap', 'target', 'job_type', 'start_time', 'last_updated', 'error']
    .filter((k) => job[k] !== undefined && job[k] !== null)
    .map((k) => `${k}: ${str(job[k])}`)
    .join('\n');
  const body = {
    title: 'sinew-job-event',
    text,
    tags: [`env:${event.env_id}`, `flow:${str(job.flow_id)}`, `tenant:${str(job.tenant)}`, `status:${status}`],
    alert_type: isFailedStatus(status) ? 'error' : status === 'JOB_COMPLETED' ? 'success' : 'info',
    source_type_name: 'sinew',
    aggregation_key: str(job.job_id),
  };
  return { url: urlTemplate.replaceAll('{site}', dd.site), headers: { ...commonHeaders(event), 'dd-api-key': dd.api_key }, body: Buffer.from(JSON.stringify(body)) };
}

/** Slack incoming webhook: a message naming tenant, flow, job, phase (the failed status) and error. */
function slackRequest(event: EventToSend, monitoring: MonitoringSettings): OutgoingRequest | string {
  const url = monitoring.slack?.webhook_url;
  if (!url) return 'Slack is not configured any more';
  const job = event.payload;
  const line = `Sinew job ${str(job.job_id)} failed at ${str(job.status)} (tenant ${str(job.tenant)}, flow ${str(job.flow_id)}): ${str(job.error) || 'no error message'}`;
  const field = (label: string, value: unknown) => ({ type: 'mrkdwn', text: `*${label}*\n${str(value) || '-'}` });
  const body = {
    text: line,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:red_circle: *Sinew job failed* in environment \`${event.env_id}\`` } },
      { type: 'section', fields: [field('Tenant', job.tenant), field('Flow', job.flow_id), field('Job', job.job_id), field('Phase', job.status)] },
      { type: 'section', text: { type: 'mrkdwn', text: `*Error*\n${(str(job.error) || 'no error message').slice(0, 2900)}` } },
    ],
  };
  return { url, headers: commonHeaders(event), body: Buffer.from(JSON.stringify(body)) };
}

/** The request for one destination under the current settings, or why there is none. */
export function buildDeliveryRequest(destination: string, event: EventToSend, monitoring: MonitoringSettings, datadogUrlTemplate: string): OutgoingRequest | string {
  switch (destination as Destination) {
    case 'webhook':
      return webhookRequest(event, monitoring);
    case 'datadog':
      return datadogRequest(event, monitoring, datadogUrlTemplate);
    case 'slack':
      return slackRequest(event, monitoring);
    default:
      return `unknown destination ${destination}`;
  }
}
