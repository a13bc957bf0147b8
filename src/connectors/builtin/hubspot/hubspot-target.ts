import type { AddressPolicy } from '../../../outbound/address-policy.js';
import { type AccessTokenSource, fixedToken } from '../../sdk/access-token.js';
import type { BatchWriterFactory } from '../../sdk/batch-writer.js';
import type { WriteRecord } from '../../sdk/write-record.js';
import { failed, succeeded, type WriteResult } from '../../sdk/write-result.js';
import { guardCall, guardCallOne, writeEach, writeInGroups } from '../write/batch-groups.js';
import { bearerCall } from '../write/bearer-call.js';
import { answerError, answerJson, type HttpAnswer, HttpClient } from '../write/http-client.js';
import type { RetryPolicy } from '../write/retry-policy.js';
import { type HubspotConfig, objectTypeOf, readHubspotConfig } from './hubspot-config.js';
import { batchErrors, contextValues, describeBatchError, hubspotRetryable } from './hubspot-errors.js';
import { hubspotProperties } from './hubspot-properties.js';

const ID = 'hubspot';
const ok = (answer: HttpAnswer): boolean => answer.status >= 200 && answer.status < 300;

interface HubspotObject {
  id?: string;
  objectWriteTraceId?: string;
}

function resultsOf(body: unknown): HubspotObject[] {
  const results = body && typeof body === 'object' ? (body as Record<string, unknown>).results : undefined;
  return Array.isArray(results) ? (results as HubspotObject[]) : [];
}

class HubspotBatchWriter {
  readonly connectorId = ID;
  readonly concurrency: number;
  private readonly client: HttpClient;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly config: HubspotConfig,
    private readonly log: (message: string) => void,
    addresses: AddressPolicy,
    private readonly tokens: AccessTokenSource,
  ) {
    this.concurrency = config.concurrency;
    this.client = new HttpClient(config.concurrency, addresses, ID);
    this.policy = { ...config.retry, retryable: hubspotRetryable };
  }

  batchSize(): number {
    return this.config.batchSize;
  }

  private call(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    return bearerCall(
      ID,
      'HubSpot',
      this.client,
      this.tokens,
      { method, url: `${this.config.baseUrl}${path}`, body, timeoutMs: this.config.retry.timeoutMs },
      this.policy,
      this.log,
    );
  }

  async writeBatch(stream: string, records: WriteRecord[]): Promise<WriteResult[]> {
    const type = encodeURIComponent(objectTypeOf(this.config, stream));
    return writeInGroups(records, [
      [records.filter((r) => !r.delete && r.remoteId === null), (creates) => guardCall(creates, () => this.create(type, creates))],
      [records.filter((r) => !r.delete && r.remoteId !== null), (updates) => guardCall(updates, () => this.update(type, updates))],
      [
        records.filter((r) => r.delete),
        (deletes) => writeEach(deletes, this.config.concurrency, (r) => guardCallOne(r, () => this.archive(type, r))),
      ],
    ]);
  }

  /**
   * `batch/create` with an `objectWriteTraceId` per input, which turns on HubSpot's multi-status
   * answer (207: created ones in `results`, failed ones in `errors[].context.objectWriteTraceId`).
   * A 4xx for the whole batch (no trace ids) is retried one record per call to find the bad ones.
   */
  private async create(type: string, records: WriteRecord[]): Promise<WriteResult[]> {
    const inputs = records.map((r, i) => ({ properties: hubspotProperties(r.record), objectWriteTraceId: String(i) }));
    const answer = await this.call('POST', `/crm/v3/objects/${type}/batch/create`, { inputs });
    const body = answerJson(answer);
    if (!ok(answer)) {
      if (answer.status >= 400 && answer.status < 500 && answer.status !== 429 && records.length > 1) {
        return writeEach(records, this.config.concurrency, (r) => guardCallOne(r, () => this.create(type, [r])));
      }
      return records.map((r) => failed(r, answerError(answer)));
    }
    const byTrace = new Map<string, WriteResult>();
    for (const error of batchErrors(body)) {
      for (const trace of contextValues(error, 'objectWriteTraceId')) {
        const record = records[Number(trace)];
        if (record) byTrace.set(trace, failed(record, `${answer.status} ${describeBatchError(error)}`));
      }
    }
    const results = resultsOf(body);
    results.forEach((object, position) => {
      // Results carry their trace id; without one, they come in input order.
      const trace = object.objectWriteTraceId ?? String(position);
      const record = records[Number(trace)];
      if (record && object.id !== undefined) byTrace.set(trace, succeeded(record, String(object.id), { updated: false }));
    });
    return records.map((r, i) => byTrace.get(String(i)) ?? failed(r, `${answer.status} HubSpot returned no result for this record`));
  }

  /** `batch/update` by the HubSpot ids Sinew's record-id map supplied; errors name their ids in `context.ids`. */
  private async update(type: string, records: WriteRecord[]): Promise<WriteResult[]> {
    const inputs = records.map((r) => ({ id: r.remoteId!, properties: hubspotProperties(r.record) }));
    const answer = await this.call('POST', `/crm/v3/objects/${type}/batch/update`, { inputs });
    const body = answerJson(answer);
    if (!ok(answer)) {
      if (answer.status >= 400 && answer.status < 500 && answer.status !== 429 && records.length > 1) {
        return writeEach(records, this.config.concurrency, (r) => guardCallOne(r, () => this.update(type, [r])));
      }
      return records.map((r) => failed(r, answerError(answer)));
    }
    const failures = new Map<string, string>();
    for (const error of batchErrors(body))
      for (const id of contextValues(error, 'ids')) failures.set(id, `${answer.status} ${describeBatchError(error)}`);
    const updated = new Set(resultsOf(body).map((o) => String(o.id)));
    return records.map((r) => {
      const problem = failures.get(r.remoteId!);
      if (problem !== undefined) return failed(r, problem);
      return updated.has(r.remoteId!)
        ? succeeded(r, r.remoteId, { updated: true })
        : failed(r, `${answer.status} HubSpot returned no result for id ${r.remoteId}`);
    });
  }

  /** Archive (HubSpot's delete); an object already gone counts as deleted, so rollback can be repeated. */
  private async archive(type: string, record: WriteRecord): Promise<WriteResult[]> {
    if (record.remoteId === null) return [failed(record, 'cannot delete: the record has no __sinew_remote_id')];
    const answer = await this.call('DELETE', `/crm/v3/objects/${type}/${encodeURIComponent(record.remoteId)}`);
    return [
      ok(answer) || answer.status === 404 ? succeeded(record, record.remoteId, { deleted: true }) : failed(record, answerError(answer)),
    ];
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

/**
 * `hubspot`: CRM v3 objects (contacts, companies, …). HubSpot has no external ids: creates and
 * updates are told apart by `__sinew_remote_id`, which Sinew's record-id map supplies.
 */
export const hubspotWriter: BatchWriterFactory = (config, log, addresses, tokens) => {
  const read = readHubspotConfig(config);
  return new HubspotBatchWriter(read, log, addresses, tokens ?? fixedToken(read.accessToken));
};
