import type { WorkerMessage } from '../job-process-messages.js';
import { decodeIpc, encodeIpc } from '../lossless-ipc.js';
import type { RecordIdReply, RecordIdRequest, RecordIdSave } from './record-id-messages.js';

/** What the map knows of one external id: the remote record and the hash of what was written. */
export interface KnownRecord {
  remote_id: string;
  record_hash: string | null;
}

type Outgoing = RecordIdRequest extends infer R ? (R extends RecordIdRequest ? Omit<R, 'req'> : never) : never;

/**
 * The job process's side of the record-id map: requests to the worker over IPC, answered in order.
 * Saves and removals are not awaited one by one (the export must not wait for the store between
 * batches); `settled()` waits for all of them and reports the first failure.
 */
export class RecordIdChannel {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (reply: RecordIdReply) => void }>();
  private readonly writes = new Set<Promise<void>>();
  private failure: Error | null = null;
  /** Saves not sent yet, by stream: gathered until the event loop turns (see save()). */
  private unsent = new Map<string, RecordIdSave[]>();
  private sendTimer: NodeJS.Immediate | null = null;

  constructor(
    private readonly send: (message: RecordIdRequest) => void,
    listen: (handler: (message: WorkerMessage) => void) => void,
  ) {
    listen((message) => {
      if (message.t !== 'recordIds') return;
      const waiter = this.waiting.get(message.req);
      if (!waiter) return;
      this.waiting.delete(message.req);
      waiter.resolve(message);
    });
  }

  /** The channel of this job process (forked by the worker with an IPC channel). */
  static ofProcess(): RecordIdChannel {
    if (!process.send) throw new Error('internal: the job process has no IPC channel to its worker');
    return new RecordIdChannel(
      (message) => process.send!(encodeIpc(message)),
      (handler) => process.on('message', (raw) => handler(decodeIpc<WorkerMessage>(raw))),
    );
  }

  private request(message: Outgoing): Promise<RecordIdReply> {
    // Saves gathered so far go first: the worker answers in order, so a lookup sees them.
    if (message.op !== 'save') this.sendSaves();
    const req = this.next++;
    return new Promise<RecordIdReply>((resolve) => {
      this.waiting.set(req, { resolve });
      this.send({ ...message, req } as RecordIdRequest);
    }).then((reply) => {
      if (reply.error !== undefined) throw new Error(`the record-id map: ${reply.error}`);
      return reply;
    });
  }

  async lookup(stream: string, ids: string[]): Promise<Map<string, KnownRecord>> {
    const found = new Map<string, KnownRecord>();
    if (ids.length === 0) return found;
    const reply = await this.request({ t: 'recordIds', op: 'lookup', stream, ids });
    for (const [input, remote, hash] of reply.found ?? []) found.set(input, { remote_id: remote, record_hash: hash });
    return found;
  }

  /**
   * Saves are gathered until the event loop turns and then sent as one message per stream: with
   * one result per call (no batching) a job would otherwise send an IPC message per record.
   */
  save(stream: string, entries: RecordIdSave[]): void {
    if (entries.length === 0) return;
    const list = this.unsent.get(stream);
    if (list) for (const e of entries) list.push(e);
    else this.unsent.set(stream, [...entries]);
    this.sendTimer ??= setImmediate(() => this.sendSaves());
  }

  private sendSaves(): void {
    if (this.sendTimer) clearImmediate(this.sendTimer);
    this.sendTimer = null;
    const unsent = this.unsent;
    if (unsent.size === 0) return;
    this.unsent = new Map();
    for (const [stream, entries] of unsent) this.track(this.request({ t: 'recordIds', op: 'save', stream, entries }));
  }

  remove(stream: string, ids: string[]): void {
    if (ids.length > 0) this.track(this.request({ t: 'recordIds', op: 'remove', stream, ids }));
  }

  private track(write: Promise<unknown>): void {
    const tracked: Promise<void> = write.then(
      () => undefined,
      (e: Error) => {
        this.failure ??= e;
      },
    );
    this.writes.add(tracked);
    void tracked.finally(() => this.writes.delete(tracked));
  }

  /** Waits for every save and removal sent so far; throws the first that failed. */
  async settled(): Promise<void> {
    this.sendSaves();
    while (this.writes.size > 0) await Promise.all([...this.writes]);
    if (this.failure) throw this.failure;
  }
}
