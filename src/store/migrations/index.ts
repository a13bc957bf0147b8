import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.js';
import * as eventDeliveries from './0002-event-deliveries.js';
import * as schedules from './0003-schedules.js';
import * as recordIds from './0004-record-ids.js';
import * as jobLeases from './0005-job-leases.js';
import * as writeTasks from './0006-write-tasks.js';
import * as recordIdIndexes from './0007-record-id-indexes.js';
import * as auditLog from './0008-audit-log.js';
import * as oauth from './0009-oauth.js';
import * as jobsByCreated from './0010-jobs-by-created.js';
import * as eventsByCreated from './0011-events-by-created.js';
import * as jobsByTenantAndFlow from './0012-jobs-by-tenant-and-flow.js';

/**
 * Every migration, by name, in order. Listed in code rather than found by globbing a folder so the
 * same list works from src/ (tsx) and from the compiled dist/.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-event-deliveries': eventDeliveries,
  '0003-schedules': schedules,
  '0004-record-ids': recordIds,
  '0005-job-leases': jobLeases,
  '0006-write-tasks': writeTasks,
  '0007-record-id-indexes': recordIdIndexes,
  '0008-audit-log': auditLog,
  '0009-oauth': oauth,
  '0010-jobs-by-created': jobsByCreated,
  '0011-events-by-created': eventsByCreated,
  '0012-jobs-by-tenant-and-flow': jobsByTenantAndFlow,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
