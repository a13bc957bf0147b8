import type { AddressPolicy } from '../../../outbound/address-policy.js';
import { type AccessTokenSource, fixedToken } from '../../sdk/access-token.js';
import type { BatchWriterFactory } from '../../sdk/batch-writer.js';
import { fieldsWithoutExternalId, type WriteRecord } from '../../sdk/write-record.js';
import { failed, succeeded, type WriteResult } from '../../sdk/write-result.js';
import { guardCall, guardCallOne, writeEach, writeInGroups } from '../write/batch-groups.js';
import { bearerCall } from '../write/bearer-call.js';
import { answerError, answerJson, type HttpAnswer, HttpClient } from '../write/http-client.js';
import type { RetryPolicy } from '../write/retry-policy.js';
import { readSalesforceConfig, type SalesforceConfig } from './salesforce-config.js';
import { describeErrors, salesforceRetryable } from './salesforce-errors.js';

const ID = 'salesforce';
const ok = (answer: HttpAnswer): boolean => answer.status >= 200 && answer.status < 300;

/** One entry of an sObject Collections answer, aligned with the records sent. */
interface SaveResult {
  id?: string | null;
  success?: boolean;
  created?: boolean;
  errors?: unknown;
}

class SalesforceBatchWriter {
  readonly connectorId = ID;
  readonly concurrency: number;
  private readonly client: HttpClient;
  private readonly policy: RetryPolicy;
  private readonly root: string;

  constructor(
    private readonly config: SalesforceConfig,
    private readonly log: (message: string) => void,
    addresses: AddressPolicy,
    private readonly tokens: AccessTokenSource,
  ) {
    this.concurrency = config.concurrency;
    this.client = new HttpClient(config.concurrency, addresses, ID);
    this.policy = { ...config.retry, retryable: salesforceRetryable };
    this.root = `${config.instanceUrl}/services/data/${config.apiVersion}`;
  }

  batchSize(): number {
    return this.config.batchSize;
  }

  private call(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    return bearerCall(
      ID,
      'Salesforce',
      this.client,
      this.tokens,
      { method, url: `${this.root}${path}`, body, timeoutMs: this.config.retry.timeoutMs },
      this.policy,
      this.log,
    );
  }

  async writeBatch(stream: string, records: WriteRecord[]): Promise<WriteResult[]> {
    const object = this.config.objects[stream] ?? stream;
    const externalField = this.config.externalIdFields[object] ?? null;
    return writeInGroups(records, [
      [
        records.filter((r) => !r.delete && r.externalId !== null),
        async (upserts) =>
          externalField === null
            ? upserts.map((r) => failed(r, `no external_id_field is configured for ${object}`))
            : guardCall(upserts, () => this.upsert(object, externalField, upserts)),
      ],
      [
        records.filter((r) => !r.delete && r.externalId === null && r.remoteId !== null),
        (updates) => guardCall(updates, () => this.collection('PATCH', object, updates, true)),
      ],
      [
        records.filter((r) => !r.delete && r.externalId === null && r.remoteId === null),
        (creates) => guardCall(creates, () => this.collection('POST', object, creates, false)),
      ],
      [
        records.filter((r) => r.delete),
        (deletes) => writeEach(deletes, this.concurrency, (r) => guardCallOne(r, () => this.remove(object, r))),
      ],
    ]);
  }

  /**
   * Upsert by the External ID field, natively: one record through
   * `PATCH sobjects/{Object}/{Field}/{externalId}` (201 created, 200/204 updated), several through
   * the collections upsert `PATCH composite/sobjects/{Object}/{Field}` with `allOrNone: false`.
   */
  private async upsert(object: string, field: string, records: WriteRecord[]): Promise<WriteResult[]> {
    const [record, ...others] = records;
    if (record && others.length === 0) {
      const { [field]: _own, ...fields } = fieldsWithoutExternalId(record.record);
      const path = `/sobjects/${encodeURIComponent(object)}/${encodeURIComponent(field)}/${encodeURIComponent(record.externalId!)}`;
      const answer = await this.call('PATCH', path, fields);
      if (!ok(answer)) return [failed(record, `${answer.status} ${describeErrorsOf(answer)}`)];
      const body = answerJson(answer) as SaveResult | undefined;
      // 204 (older API versions) means updated; 201 created; 200 carries `created`.
      const created = answer.status === 201 || body?.created === true;
      return [succeeded(record, body?.id ? String(body.id) : null, { updated: !created })];
    }
    const payload = {
      allOrNone: false,
      records: records.map((r) => ({ attributes: { type: object }, ...fieldsWithoutExternalId(r.record), [field]: r.externalId })),
    };
    const answer = await this.call('PATCH', `/composite/sobjects/${encodeURIComponent(object)}/${encodeURIComponent(field)}`, payload);
    return this.collectionResults(answer, records, true);
  }

  /** Create (POST) or update by id (PATCH) through `composite/sobjects` with `allOrNone: false`. */
  private async collection(method: 'POST' | 'PATCH', object: string, records: WriteRecord[], byId: boolean): Promise<WriteResult[]> {
    const payload = {
      allOrNone: false,
      records: records.map((r) => ({
        attributes: { type: object },
        ...fieldsWithoutExternalId(r.record),
        ...(byId ? { id: r.remoteId } : {}),
      })),
    };
    const answer = await this.call(method, '/composite/sobjects', payload);
    return this.collectionResults(answer, records, byId);
  }

  private collectionResults(answer: HttpAnswer, records: WriteRecord[], mayUpdate: boolean): WriteResult[] {
    const body = answerJson(answer);
    if (!ok(answer) || !Array.isArray(body) || body.length !== records.length) {
      const reason = ok(answer)
        ? `${answer.status} expected one result per record: ${answerError(answer, 200)}`
        : `${answer.status} ${describeErrorsOf(answer)}`;
      return records.map((r) => failed(r, reason));
    }
    return records.map((record, i) => {
      const result = body[i] as SaveResult;
      if (result.success !== true) return failed(record, `${answer.status} ${describeErrors(result.errors)}`);
      const updated = mayUpdate && result.created !== true;
      return succeeded(record, result.id ? String(result.id) : record.remoteId, { updated });
    });
  }

  /** Delete by id (rollback); a record already gone (404) counts as deleted. */
  private async remove(object: string, record: WriteRecord): Promise<WriteResult[]> {
    if (record.remoteId === null) return [failed(record, 'cannot delete: the record has no __sinew_remote_id')];
    const answer = await this.call('DELETE', `/sobjects/${encodeURIComponent(object)}/${encodeURIComponent(record.remoteId)}`);
    return [
      ok(answer) || answer.status === 404
        ? succeeded(record, record.remoteId, { deleted: true })
        : failed(record, `${answer.status} ${describeErrorsOf(answer)}`),
    ];
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

function describeErrorsOf(answer: HttpAnswer): string {
  const body = answerJson(answer);
  return Array.isArray(body) ? describeErrors(body) : answerError(answer).replace(/^\d+ /, '');
}

/** `salesforce`: sObject writes, upserting natively by each object's External ID field. */
export const salesforceWriter: BatchWriterFactory = (config, log, addresses, tokens) => {
  const read = readSalesforceConfig(config);
  return new SalesforceBatchWriter(read, log, addresses, tokens ?? fixedToken(read.accessToken));
};
