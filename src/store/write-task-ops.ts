import type { WriteTask, WriteTaskStatus } from '../model/write-task.js';
import { fromJsonColumn, toJsonColumn } from './json-column.js';
import type { Connection } from './store-connection.js';

/** Asynchronous real-time write tasks (migration 0006). */
export interface WriteTaskOps {
  insert(task: WriteTask): Promise<void>;
  get(envId: string, taskId: string): Promise<WriteTask | undefined>;
  /**
   * Compare-and-set: replaces the task only while its status is still `expected`; false when
   * someone else moved it first (a poll that judged it lost, say).
   */
  update(task: WriteTask, expected: WriteTaskStatus): Promise<boolean>;
  /** Extends the lease of a task still RUNNING. */
  renewLease(envId: string, taskId: string, until: number): Promise<boolean>;
  /** Deletes tasks that ended (COMPLETED or FAILED) before `beforeMs`; returns how many. */
  deleteFinishedBefore(beforeMs: number): Promise<number>;
}

const columns = (task: WriteTask) => ({
  status: task.status,
  lease_until: task.lease_until,
  updated_at: Date.parse(task.updated_at),
  doc: toJsonColumn(task),
});

export class KyselyWriteTaskOps implements WriteTaskOps {
  readonly #db: Connection;

  constructor(connection: Connection) {
    this.#db = connection;
  }

  async insert(task: WriteTask): Promise<void> {
    await this.#db()
      .insertInto('write_tasks')
      .values({ env_id: task.env_id, task_id: task.task_id, ...columns(task) })
      .execute();
  }

  async get(envId: string, taskId: string): Promise<WriteTask | undefined> {
    const row = await this.#db()
      .selectFrom('write_tasks')
      .select(['doc', 'lease_until'])
      .where('env_id', '=', envId)
      .where('task_id', '=', taskId)
      .executeTakeFirst();
    if (!row) return undefined;
    // The lease lives in its column (renewals do not rewrite the document).
    const lease = row.lease_until === null ? null : Number(row.lease_until);
    return { ...fromJsonColumn<WriteTask>(row.doc), lease_until: lease };
  }

  async update(task: WriteTask, expected: WriteTaskStatus): Promise<boolean> {
    const result = await this.#db()
      .updateTable('write_tasks')
      .set(columns(task))
      .where('env_id', '=', task.env_id)
      .where('task_id', '=', task.task_id)
      .where('status', '=', expected)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async renewLease(envId: string, taskId: string, until: number): Promise<boolean> {
    const result = await this.#db()
      .updateTable('write_tasks')
      .set({ lease_until: until })
      .where('env_id', '=', envId)
      .where('task_id', '=', taskId)
      .where('status', '=', 'RUNNING')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async deleteFinishedBefore(beforeMs: number): Promise<number> {
    const result = await this.#db()
      .deleteFrom('write_tasks')
      .where('status', 'in', ['COMPLETED', 'FAILED'])
      .where('updated_at', '<', beforeMs)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
