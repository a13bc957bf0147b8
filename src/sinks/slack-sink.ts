import { isFailureStatus } from '../model/job-phases.js';
import { commonHeaders, type EventSink, stringAt, text } from './event-sink.js';

export interface SlackSection {
  /** An incoming-webhook URL: itself the credential. */
  webhook_url: string;
}

/** Failed jobs, to a Slack incoming webhook: a message naming tenant, flow, job, phase (the failed status) and error. */
export const slackSink: EventSink<SlackSection, 'slack'> = {
  name: 'slack',
  section: 'slack',
  schema: {
    type: 'object',
    required: ['webhook_url'],
    additionalProperties: false,
    properties: { webhook_url: { type: 'string', minLength: 1 } },
  },
  secretPaths: [['webhook_url']],
  urls: (section) => [stringAt(section, 'webhook_url')].filter((u): u is string => u !== undefined),
  wants: (event, slack) => event.kind === 'job_lifecycle' && Boolean(slack?.webhook_url) && isFailureStatus(event.payload.status),
  request(event, slack) {
    const url = slack?.webhook_url;
    if (!url) return 'Slack is not configured any more';
    const job = event.payload;
    const error = text(job.error) || 'no error message';
    const field = (label: string, value: unknown) => ({ type: 'mrkdwn', text: `*${label}*\n${text(value) || '-'}` });
    const body = {
      text: `Sinew job ${text(job.job_id)} failed at ${text(job.status)} (tenant ${text(job.tenant)}, flow ${text(job.flow_id)}): ${error}`,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `:red_circle: *Sinew job failed* in environment \`${event.env_id}\`` } },
        {
          type: 'section',
          fields: [field('Tenant', job.tenant), field('Flow', job.flow_id), field('Job', job.job_id), field('Phase', job.status)],
        },
        { type: 'section', text: { type: 'mrkdwn', text: `*Error*\n${error.slice(0, 2900)}` } },
      ],
    };
    return { url, headers: commonHeaders(event), body: Buffer.from(JSON.stringify(body)) };
  },
};
