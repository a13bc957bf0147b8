import { LosslessNumber } from 'lossless-json';
import type { ConnectorDefinition } from '../../src/model/connector-definition.js';
import type { ApiKey, Environment } from '../../src/model/environment.js';
import type { OutboxEvent } from '../../src/model/event.js';
import type { Flow } from '../../src/model/flow.js';
import type { Job } from '../../src/model/job.js';
import type { Link, LinkKey } from '../../src/model/link.js';
import type { Tenant } from '../../src/model/tenant.js';

/** Sample objects for the store contract; every builder takes overrides. */

export const BIG_ID = '123456789012345678901234567890';

export const environment = (o: Partial<Environment> = {}): Environment => ({
  env_id: 'dev.sinew.local',
  name: 'Dev',
  settings: { job: { force_full_sync: false }, monitoring: { webhooks: [{ url: 'https://example.test/h', secret: 's' }] } },
  token_secret_encrypted: 'v1:abc:def',
  created_at: '2024-05-01T10:00:00.000Z',
  ...o,
});

export const apiKey = (o: Partial<ApiKey> = {}): ApiKey => ({
  key_hash: 'hash-1',
  env_id: 'dev.sinew.local',
  kind: 'environment',
  prefix: 'sk_12',
  created_at: '2024-05-01T10:00:00.000Z',
  ...o,
});

export const connectorDefinition = (o: Partial<ConnectorDefinition> = {}): ConnectorDefinition => ({
  id: 'singer:tap-foo',
  kind: 'source',
  label: 'Foo',
  config_schema: { type: 'object', properties: { api_key: { type: 'string' } }, required: ['api_key'] },
  capabilities: { discover: true, incremental: true, write: false, native_external_id: false },
  runtime: { runtime: 'singer', command: ['tap-foo', '--verbose'] },
  builtin: false,
  ...o,
});

export const flow = (o: Partial<Flow> = {}): Flow => ({
  env_id: 'dev.sinew.local',
  flow_id: 'JClkCC05S',
  name: 'CRM sync',
  type: 'v1-source',
  connectors: ['postgres', 'csv'],
  target: { connector: 'csv', config: { path: '/out', nested: { deep: [1, 2, { three: true }] } } },
  field_map: { contacts: { fields: { id: true, email: 'Email', secret: false }, values: { source: 'crm' } } },
  created_at: '2024-05-01T10:00:00.000Z',
  updated_at: '2024-05-01T10:00:00.000Z',
  ...o,
});

export const tenant = (o: Partial<Tenant> = {}): Tenant => ({
  env_id: 'dev.sinew.local',
  tenant: '1414_1',
  config: { region: 'eu', limits: { rows: 1000 } },
  created_at: '2024-05-01T10:00:00.000Z',
  ...o,
});

export const linkKey = (o: Partial<LinkKey> = {}): LinkKey => ({
  env_id: 'dev.sinew.local',
  flow_id: 'JClkCC05S',
  tenant: '1414_1',
  role: 'source',
  connector_id: 'postgres',
  ...o,
});

export const link = (o: Partial<Link> = {}): Link => ({
  ...linkKey(o),
  config_encrypted: 'v1:iv:ciphertext',
  field_map: null,
  catalog: {
    streams: [
      {
        tap_stream_id: 'contacts',
        stream: 'contacts',
        schema: { type: 'object', properties: { id: { type: 'integer' } } },
        key_properties: ['id'],
        metadata: [{ breadcrumb: [], metadata: { selected: true } }],
      },
    ],
  },
  state: { bookmarks: { contacts: { last_id: new LosslessNumber(BIG_ID) } } },
  schedule: null,
  created_at: '2024-05-01T10:00:00.000Z',
  updated_at: '2024-05-01T10:00:00.000Z',
  ...o,
});

export const job = (o: Partial<Job> = {}): Job => ({
  job_id: 'tVN_B',
  env_id: 'dev.sinew.local',
  flow_id: 'JClkCC05S',
  job_name: 'manual',
  tenant: '1414_1',
  started_by: 'api',
  s3_root: `1414_1/flows/JClkCC05S/jobs/2024/05/01/10/00/${o.job_id ?? 'tVN_B'}`,
  start_time: '2024-05-01T10:00:00.000Z',
  state: {
    bookmarks: { contacts: { replication_key_value: new LosslessNumber(BIG_ID), ratio: 0.1, count: 42 } },
  },
  tap: 'postgres',
  target: 'csv',
  connector_id: null,
  job_type: 'read',
  status: 'JOB_CREATED',
  scheduled_job: false,
  sync_type: 'incremental_sync',
  streaming_job: false,
  queue_if_active_job: false,
  reset_source_state: false,
  override_start_date: null,
  override_end_date: null,
  override_selected_tables: ['contacts'],
  override_field_map: null,
  override_source_config: null,
  override_target_config: { path: '/x' },
  override_lifecycle_webhook: null,
  task_id: 'task-1',
  task_type: 'sync',
  task_definition: { id: 'def', memory: 512, cpu: 1 },
  discover_install_uri: null,
  target_install_uri: null,
  metrics: { recordCount: { contacts: 10 } },
  data_sizes: { sync_output: 1.5, etl_output: 1, snapshots: 0, total: 2.5 },
  last_updated: '2024-05-01T10:00:00.000Z',
  error: null,
  message: null,
  status_timestamp: { JOB_CREATED: 1714557600000 },
  resources_usage: { memoryUsage: 12.5 },
  link_role: 'source',
  link_connector: 'postgres',
  sealed_overrides: 'v1:iv:sealed',
  ...o,
});

export const event = (o: Partial<OutboxEvent> = {}): OutboxEvent => ({
  event_id: 'evt-1',
  env_id: 'dev.sinew.local',
  kind: 'job_lifecycle',
  ordering_key: 'tVN_B',
  payload: { status: 'JOB_CREATED', job: { job_id: 'tVN_B', nested: [{ a: 1 }] } },
  created_at: '2024-05-01T10:00:00.000Z',
  ...o,
});
