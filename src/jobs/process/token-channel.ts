import type { HeldToken, LinkTokenBackend } from '../../connectors/sdk/access-token.js';
import type { WorkerMessage } from '../job-process-messages.js';
import { decodeIpc, encodeIpc } from '../lossless-ipc.js';
import type { TokenReply, TokenRequest } from '../token-messages.js';

type Outgoing = TokenRequest extends infer R ? (R extends TokenRequest ? Omit<R, 'req'> : never) : never;

/** The job process's side of its link's tokens: each request answered by the worker (token-messages.ts). */
export class TokenChannel implements LinkTokenBackend {
  private next = 1;
  private readonly waiting = new Map<number, (reply: TokenReply) => void>();

  constructor(
    private readonly send: (message: TokenRequest) => void,
    listen: (handler: (message: WorkerMessage) => void) => void,
  ) {
    listen((message) => {
      if (message.t !== 'token') return;
      const waiter = this.waiting.get(message.req);
      this.waiting.delete(message.req);
      waiter?.(message);
    });
  }

  static ofProcess(): TokenChannel {
    if (!process.send) throw new Error('internal: the job process has no IPC channel to its worker');
    return new TokenChannel(
      (message) => process.send!(encodeIpc(message)),
      (handler) => process.on('message', (raw) => handler(decodeIpc<WorkerMessage>(raw))),
    );
  }

  private async request(message: Outgoing): Promise<TokenReply> {
    const req = this.next++;
    const reply = await new Promise<TokenReply>((resolve) => {
      this.waiting.set(req, resolve);
      this.send({ ...message, req } as TokenRequest);
    });
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply;
  }

  async refresh(have: string, reason: 'expiring' | 'rejected'): Promise<HeldToken | null> {
    return (await this.request({ t: 'token', op: 'refresh', have, reason })).held ?? null;
  }

  async invalid(message: string): Promise<void> {
    await this.request({ t: 'token', op: 'invalid', message });
  }
}
