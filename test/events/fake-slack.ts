import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSlack {
  /** An incoming-webhook URL on loopback. */
  url: string;
  messages: { text: string; body: Record<string, unknown> }[];
  /** Requests answered 4xx, with Slack's error string. */
  refused: string[];
  close(): Promise<void>;
}

/**
 * A loopback stand-in for a Slack incoming webhook (https://api.slack.com/messaging/webhooks):
 * `POST` of a JSON body with a `text` (blocks alone are not enough for the notification). Answers as
 * Slack does, in plain text: 200 `ok`; 400 `invalid_payload` when the body is not JSON,
 * 400 `no_text` without text; 404 `no_service` on another path.
 */
export async function startFakeSlack(): Promise<FakeSlack> {
  const messages: FakeSlack['messages'] = [];
  const refused: string[] = [];
  const hookPath = '/services/T0000SINEW/B0000SINEW/fakeslacksecret';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, text: string) => {
        if (status !== 200) refused.push(text);
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(text);
      };
      if (req.method !== 'POST' || req.url !== hookPath) return answer(404, 'no_service');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer(400, 'invalid_payload');
      }
      if (typeof body !== 'object' || body === null) return answer(400, 'invalid_payload');
      if (typeof body.text !== 'string' || body.text === '') return answer(400, 'no_text');
      messages.push({ text: body.text, body });
      answer(200, 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${hookPath}`,
    messages,
    refused,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
