import { isFailureStatus } from '../model/job-phases.js';
import { commonHeaders, type EventSink, text } from './event-sink.js';

export interface DatadogSection {
  /** Site/region like `datadoghq.com`, `datadoghq.eu`, `us3.datadoghq.com`. */
  site: string;
  api_key: string;
}

const FIELDS = ['job_id', 'flow_id', 'tenant', 'status', 'job_name', 'tap', 'target', 'job_type', 'start_time', 'last_updated', 'error'];

/** Every job status change, to the Datadog events API v1 (https://docs.datadoghq.com/api/latest/events/#post-an-event). */
export const datadogSink: EventSink<DatadogSection, 'datadog'> = {
  name: 'datadog',
  section: 'datadog',
  schema: {
    type: 'object',
    required: ['site', 'api_key'],
    additionalProperties: false,
    properties: { site: { type: 'string', minLength: 1 }, api_key: { type: 'string', minLength: 1 } },
  },
  secretPaths: [['api_key']],
  // The URL is the server's (SINEW_DATADOG_URL_TEMPLATE) with the site in it, not the owner's.
  urls: () => [],
  wants: (event, dd) => event.kind === 'job_lifecycle' && Boolean(dd?.api_key && dd.site),
  request(event, dd, server) {
    if (!dd?.api_key || !dd.site) return 'Datadog is not configured any more';
    const job = event.payload;
    const status = text(job.status);
    const body = {
      title: 'sinew-job-event',
      text: FIELDS.filter((k) => job[k] !== undefined && job[k] !== null)
        .map((k) => `${k}: ${text(job[k])}`)
        .join('\n'),
      tags: [`env:${event.env_id}`, `flow:${text(job.flow_id)}`, `tenant:${text(job.tenant)}`, `status:${status}`],
      alert_type: isFailureStatus(status) ? 'error' : status === 'JOB_COMPLETED' ? 'success' : 'info',
      source_type_name: 'sinew',
      aggregation_key: text(job.job_id),
    };
    return {
      url: server.datadogUrlTemplate.replaceAll('{site}', dd.site),
      headers: { ...commonHeaders(event), 'dd-api-key': dd.api_key },
      body: Buffer.from(JSON.stringify(body)),
    };
  },
};
