import type { EtlStep } from './etl-step.js';
import type { FieldMap } from './field-map.js';
import type { JobSettings } from './job-settings.js';
import type { TenantLimits } from './tenant-limits.js';
import type { OwnerOnlyJobField } from './tenant-overrides.js';

export type FlowType = 'v1-source' | 'v1-target' | 'v2';

export interface FlowDefinition {
  name: string;
  type: FlowType;
  /** Connector ids tenants may link in this flow. */
  connectors: string[];
  /** Default target of a v1 source flow (the owner's side). Config may hold credentials: encrypted at rest. */
  target?: { connector: string; config: Record<string, unknown>; config_sealed?: string };
  /** The ETL step: a JS/TS module or an executable (`script`), or any program (`command`). */
  etl?: EtlStep;
  field_map?: FieldMap;
  /** Job settings of this flow that differ from the environment's. */
  job_settings?: Partial<JobSettings>;
  /** Owner-only job and schedule fields this flow lets its tenants send (none by default; docs/security.md). */
  tenant_overrides?: OwnerOnlyJobField[];
  /** What tenants may put in a field map and how often their schedules may fire (src/model/tenant-limits.ts). */
  tenant_limits?: TenantLimits;
}

export interface Flow extends FlowDefinition {
  env_id: string;
  flow_id: string;
  created_at: string;
  updated_at: string;
}
