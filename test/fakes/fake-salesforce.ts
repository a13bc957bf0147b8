import { FakeApiServer, isObject, type Reply, type SeenRequest } from './fake-api-server.js';

export const SALESFORCE_VERSION = 'v59.0';
const COLLECTION_LIMIT = 200;

interface SObject {
  Id: string;
  [field: string]: unknown;
}

const restError = (status: number, errorCode: string, message: string, fields: string[] = []): Reply => ({
  status,
  body: [{ message, errorCode, fields }],
});

/** Salesforce's answer when the org's API request limit is used up. */
export function salesforceLimitExceeded(): Reply {
  return restError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
}

/**
 * The Salesforce REST API for `Contact` (LastName required; External ID field `External_Id__c`):
 * single-record upsert by external id (201 created / 200 `created: false`), sObject Collections
 * create, update and upsert (`allOrNone` required, at most 200 records, `attributes.type` on each,
 * one result per record with `{ statusCode, message, fields }` errors) and delete by id. Bearer
 * auth; REST errors are `[{ message, errorCode, fields }]`.
 */
export class FakeSalesforce {
  readonly records = new Map<string, SObject>();
  readonly server: FakeApiServer;
  private nextId = 1;

  constructor(readonly token: string) {
    this.server = new FakeApiServer((r) => this.route(r));
  }

  private newId(): string {
    return `003${String(this.nextId++).padStart(15, '0')}`;
  }

  private problem(fields: Record<string, unknown>, creating: boolean): { statusCode: string; message: string; fields: string[] } | null {
    for (const name of Object.keys(fields)) {
      if (name !== 'attributes' && name !== 'id' && !/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
        return { statusCode: 'INVALID_FIELD', message: `No such column '${name}' on sobject of type Contact`, fields: [name] };
      }
    }
    if (creating && (typeof fields.LastName !== 'string' || fields.LastName === '')) {
      return { statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] };
    }
    return null;
  }

  private findByExternal(value: string): SObject | undefined {
    for (const record of this.records.values()) if (record.External_Id__c === value) return record;
    return undefined;
  }

  /** Upsert one record; the result of the collections API shape. */
  private upsertOne(
    externalId: string,
    fields: Record<string, unknown>,
  ): { id?: string; success: boolean; errors: unknown[]; created?: boolean } {
    const existing = this.findByExternal(externalId);
    const { attributes: _a, External_Id__c: _e, ...values } = fields;
    const problem = this.problem(values, !existing);
    if (problem) return { success: false, errors: [problem] };
    if (existing) {
      Object.assign(existing, values);
      return { id: existing.Id, success: true, errors: [], created: false };
    }
    const Id = this.newId();
    this.records.set(Id, { ...values, External_Id__c: externalId, Id });
    return { id: Id, success: true, errors: [], created: true };
  }

  private route(request: SeenRequest): Reply {
    if (request.headers.authorization !== `Bearer ${this.token}`) return restError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    const prefix = `/services/data/${SALESFORCE_VERSION}`;
    if (!request.path.startsWith(prefix)) return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const path = request.path.slice(prefix.length);
    const body = request.body;

    const [, externalId] = /^\/sobjects\/Contact\/External_Id__c\/([^/]+)$/.exec(path) ?? [];
    if (externalId !== undefined && request.method === 'PATCH') {
      if (!isObject(body)) return restError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
      const result = this.upsertOne(decodeURIComponent(externalId), body);
      if (!result.success) {
        const e = result.errors[0] as { statusCode: string; message: string; fields: string[] };
        return restError(400, e.statusCode, e.message, e.fields);
      }
      return { status: result.created ? 201 : 200, body: result };
    }
    const [, id] = /^\/sobjects\/Contact\/([^/]+)$/.exec(path) ?? [];
    if (id !== undefined && request.method === 'DELETE') {
      if (!this.records.delete(id)) return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
      return { status: 204 };
    }
    const collection = /^\/composite\/sobjects(?:\/Contact\/External_Id__c)?$/.exec(path);
    if (collection) {
      if (!isObject(body) || typeof body.allOrNone !== 'boolean' || !Array.isArray(body.records)) {
        return restError(400, 'INVALID_FIELD', 'allOrNone (boolean) and records (array) are required');
      }
      if (body.records.length > COLLECTION_LIMIT)
        return restError(
          400,
          'EXCEEDED_ID_LIMIT',
          `record limit reached. cannot submit more than ${COLLECTION_LIMIT} records in this operation`,
        );
      for (const record of body.records) {
        if (!isObject(record) || !isObject(record.attributes) || record.attributes.type !== 'Contact') {
          return restError(400, 'INVALID_TYPE', 'Each record must carry attributes.type = Contact');
        }
      }
      const records = body.records as Array<Record<string, unknown>>;
      if (path.endsWith('/External_Id__c') && request.method === 'PATCH') {
        return {
          status: 200,
          body: records.map((r) =>
            typeof r.External_Id__c === 'string'
              ? this.upsertOne(r.External_Id__c, r)
              : {
                  success: false,
                  errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'External_Id__c is required', fields: ['External_Id__c'] }],
                },
          ),
        };
      }
      if (request.method === 'POST') {
        return {
          status: 200,
          body: records.map((r) => {
            const { attributes: _a, ...values } = r;
            const problem = this.problem(values, true);
            if (problem) return { success: false, errors: [problem] };
            const Id = this.newId();
            this.records.set(Id, { ...values, Id });
            return { id: Id, success: true, errors: [] };
          }),
        };
      }
      if (request.method === 'PATCH') {
        return {
          status: 200,
          body: records.map((r) => {
            const { attributes: _a, id, ...values } = r;
            const existing = typeof id === 'string' ? this.records.get(id) : undefined;
            if (!existing)
              return { id, success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] };
            const problem = this.problem(values, false);
            if (problem) return { id, success: false, errors: [problem] };
            Object.assign(existing, values);
            return { id, success: true, errors: [] };
          }),
        };
      }
    }
    return restError(404, 'NOT_FOUND', `no route ${request.method} ${path}`);
  }
}
