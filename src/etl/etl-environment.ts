/** The blueprint §5 variables an ETL step sees (src/connectors/connector-environment.ts sets them). */
export const ETL_ENV_NAMES = [
  'TENANT',
  'FLOW',
  'ENV_ID',
  'JOB_ID',
  'API_URL',
  'JOB_ROOT',
  'SYNC_TYPE',
  'JOB_TYPE',
  'CONNECTOR_ID',
  'TAP',
  'TARGET',
] as const;

export type EtlEnvName = (typeof ETL_ENV_NAMES)[number];
/** `JOB_ROOT` is the job's storage root (`{tenant}/flows/{flow}/jobs/…`); the local folder is the kit's `root`. */
export type EtlEnv = Readonly<Record<EtlEnvName, string>>;

export function etlEnvFrom(source: Record<string, string | undefined>): EtlEnv {
  const env = {} as Record<EtlEnvName, string>;
  for (const name of ETL_ENV_NAMES) env[name] = source[name] ?? '';
  return Object.freeze(env);
}
