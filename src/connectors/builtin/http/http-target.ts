import type { AddressPolicy } from '../../../outbound/address-policy.js';
import type { BatchWriterFactory } from '../../sdk/batch-writer.js';
import type { WriteRecord } from '../../sdk/write-record.js';
import { failed, succeeded, type WriteResult } from '../../sdk/write-result.js';
import { pairResults, writeEach } from '../write/batch-groups.js';
import { answerError, answerJson, type HttpAnswer, HttpClient } from '../write/http-client.js';
import { type RetryPolicy, sendWithRetry } from '../write/retry-policy.js';
import { errorText, isWriteImpossible, writeImpossible } from '../write/write-failure.js';
import { fillUrl, type HttpTargetConfig, readHttpConfig } from './http-config.js';

const ID = 'http';
/** Records per emitted result STATE when each record is its own call. */
const RECORDS_PER_RESULT_BATCH = 200;

const ok = (answer: HttpAnswer): boolean => answer.status >= 200 && answer.status < 300;

function idOf(body: unknown, idField: string): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const id = (body as Record<string, unknown>)[idField];
  return id === undefined || id === null ? null : String(id);
}

/** Array results of a batch call: a bare array, or one under `results`, `data` or `items`. */
function batchResults(body: unknown): unknown[] | null {
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object') {
    for (const key of ['results', 'data', 'items']) {
      const value = (body as Record<string, unknown>)[key];
      if (Array.isArray(value)) return value;
    }
  }
  return null;
}

function itemError(item: unknown): string | null {
  if (!item || typeof item !== 'object') return null;
  const { error, errors } = item as Record<string, unknown>;
  if (error !== undefined && error !== null && error !== false) return typeof error === 'string' ? error : JSON.stringify(error);
  if (Array.isArray(errors) && errors.length > 0) return JSON.stringify(errors);
  return null;
}

class HttpBatchWriter {
  readonly connectorId = ID;
  readonly concurrency: number;
  private readonly client: HttpClient;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly config: HttpTargetConfig,
    private readonly log: (message: string) => void,
    addresses: AddressPolicy,
  ) {
    // Batch mode: whole batches in flight. Per-record mode: two result batches, each with a pool.
    this.concurrency = config.batchUrl ? config.concurrency : 2;
    this.client = new HttpClient(config.concurrency, addresses, ID);
    this.policy = { maxAttempts: config.retry.maxAttempts, baseDelayMs: config.retry.baseDelayMs, maxDelayMs: config.retry.maxDelayMs };
  }

  batchSize(): number {
    return this.config.batchUrl ? this.config.batchSize : RECORDS_PER_RESULT_BATCH;
  }

  private call(method: string, url: string, body?: unknown): Promise<HttpAnswer> {
    return sendWithRetry(
      this.client,
      { method, url, body, headers: this.config.headers, timeoutMs: this.config.retry.timeoutMs },
      this.policy,
      this.log,
    );
  }

  /** 401 means the credentials are wrong for every record: stop rather than fail them one by one. */
  private checkAuth(answer: HttpAnswer): void {
    if (answer.status === 401) throw writeImpossible(ID, `the API refused the credentials: ${answerError(answer, 200)}`, { status: 401 });
  }

  async writeBatch(_stream: string, records: WriteRecord[]): Promise<WriteResult[]> {
    const creates = this.config.batchUrl ? records.filter((r) => !r.delete && r.remoteId === null) : [];
    const batched = new Map<WriteRecord, WriteResult>();
    if (creates.length > 0) {
      for (const [record, result] of pairResults(creates, await this.createBatch(creates))) batched.set(record, result);
    }
    const others = records.filter((r) => !batched.has(r));
    // If the write becomes impossible halfway, the batch's creates are still reported.
    const written = await writeEach(others, this.config.concurrency, (record) => this.writeOne(record), [...batched.values()]);
    const byRecord = new Map(others.map((record, i) => [record, written[i]]));
    return records.map((r) => batched.get(r) ?? byRecord.get(r)!);
  }

  private async writeOne(record: WriteRecord): Promise<WriteResult> {
    const { config } = this;
    try {
      if (record.delete) {
        if (record.remoteId === null) return failed(record, 'cannot delete: the record has no __sinew_remote_id');
        const answer = await this.call('DELETE', fillUrl(config.deleteUrl, config.url, record.remoteId));
        this.checkAuth(answer);
        // Already gone is as good as deleted: rollback is idempotent.
        return ok(answer) || answer.status === 404
          ? succeeded(record, record.remoteId, { deleted: true })
          : failed(record, answerError(answer));
      }
      if (record.remoteId !== null) {
        const answer = await this.call(config.updateMethod, fillUrl(config.updateUrl, config.url, record.remoteId), record.record);
        this.checkAuth(answer);
        if (!ok(answer)) return failed(record, answerError(answer));
        return succeeded(record, idOf(answerJson(answer), config.idField) ?? record.remoteId, { updated: true });
      }
      const answer = await this.call(config.createMethod, fillUrl(config.createUrl, config.url), record.record);
      this.checkAuth(answer);
      if (!ok(answer)) return failed(record, answerError(answer));
      return succeeded(record, idOf(answerJson(answer), config.idField), { updated: false });
    } catch (error) {
      if (isWriteImpossible(error)) throw error;
      return failed(record, errorText(error));
    }
  }

  /** Creates as one array call; a 4xx for the whole array falls back to one call per record to find the bad ones. */
  private async createBatch(records: WriteRecord[]): Promise<WriteResult[]> {
    const { config } = this;
    const answer = await this.call(
      config.batchMethod,
      fillUrl(config.batchUrl!, config.url),
      records.map((r) => r.record),
    );
    this.checkAuth(answer);
    if (ok(answer)) {
      const items = batchResults(answerJson(answer));
      if (!items || items.length !== records.length) {
        return records.map((r) =>
          failed(r, `the batch call answered ${answer.status} without one result per record: ${answerError(answer, 200)}`),
        );
      }
      return records.map((record, i) => {
        const problem = itemError(items[i]);
        return problem === null ? succeeded(record, idOf(items[i], config.idField), { updated: false }) : failed(record, problem);
      });
    }
    if (answer.status >= 400 && answer.status < 500 && answer.status !== 429 && records.length > 1) {
      this.log(`${ID}: the batch of ${records.length} was refused (${answer.status}); sending its records one by one`);
      return writeEach(records, config.concurrency, (record) => this.writeOne(record));
    }
    return records.map((r) => failed(r, answerError(answer)));
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

/**
 * `http`: writes records to any JSON REST collection: create `POST {url}`, update
 * `PATCH {url}/{id}` for records whose remote id Sinew knows, delete `DELETE {url}/{id}` for
 * rollback; optional array batches for creates; retries 429/5xx honouring Retry-After.
 */
export const httpWriter: BatchWriterFactory = (config, log, addresses) => new HttpBatchWriter(readHttpConfig(config), log, addresses);
