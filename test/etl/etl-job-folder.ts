import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A job folder as the job process leaves it before ETL: sync output, staged snapshots, tenant config. */
export interface EtlJobFolder {
  root: string;
  env: Record<string, string>;
  logFile: string;
  read(rel: string): Promise<string>;
  write(rel: string, text: string): Promise<string>;
  remove(): Promise<void>;
}

export const BIG = '12345678901234567890123';

export const SYNC_LINES = [
  {
    type: 'SCHEMA',
    stream: 'customers',
    schema: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, balance: { type: 'number' } } },
    key_properties: ['id'],
  },
  `{"type":"RECORD","stream":"customers","record":{"id":1,"name":"Ada","balance":${BIG}}}`,
  { type: 'RECORD', stream: 'customers', record: { id: 2, name: 'Grace', balance: 7 } },
  { type: 'SCHEMA', stream: 'orders', schema: { type: 'object', properties: { id: { type: 'integer' } } }, key_properties: ['id'] },
  { type: 'RECORD', stream: 'orders', record: { id: 10 } },
  { type: 'STATE', value: { bookmarks: { customers: { id: 2 } } } },
].map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));

export async function makeEtlJobFolder(name: string): Promise<EtlJobFolder> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), `sinew-etl-${name}-`));
  await fs.mkdir(path.join(root, 'sync-output'), { recursive: true });
  await fs.mkdir(path.join(root, 'snapshots'), { recursive: true });
  await fs.writeFile(path.join(root, 'sync-output', 'data.singer'), `${SYNC_LINES.join('\n')}\n`);
  await fs.writeFile(path.join(root, 'snapshots', 'tenant-config.json'), '{"currency":"EUR","threshold":100}\n');
  await fs.writeFile(
    path.join(root, 'snapshots', 'customers.jsonl'),
    '{"id":2,"name":"Old Grace","balance":1}\n{"id":3,"name":"Linus","balance":5}\n',
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    TENANT: 'tenant-1',
    FLOW: 'flowX',
    ENV_ID: 'test.sinew.local',
    JOB_ID: 'job42',
    API_URL: 'http://127.0.0.1:1',
    JOB_ROOT: 'tenant-1/flows/flowX/jobs/2024/01/01/00/00/job42',
    SYNC_TYPE: 'incremental_sync',
    JOB_TYPE: 'read',
    CONNECTOR_ID: 'csv',
    TAP: 'csv',
    TARGET: 'jsonl',
  };
  return {
    root,
    env,
    logFile: path.join(root, 'logs', 'etl.log'),
    read: (rel) => fs.readFile(path.join(root, rel), 'utf8'),
    async write(rel, text) {
      const file = path.join(root, rel);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, text);
      return file;
    },
    remove: () => fs.rm(root, { recursive: true, force: true }),
  };
}

/** The lines of a JSONL/Singer file, parsed. */
export function lines(text: string): any[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l));
}
