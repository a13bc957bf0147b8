import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One event the fake Datadog accepted. */
export interface DatadogEvent {
  site: string | null;
  title: string;
  text: string;
  tags: string[];
  alert_type: string;
  body: Record<string, unknown>;
}

export interface FakeDatadog {
  /** For SINEW_DATADOG_URL_TEMPLATE: the site lands in a query parameter so the test can check it. */
  urlTemplate: string;
  accepted: DatadogEvent[];
  /** Requests answered 4xx, with why: what the real API would have refused. */
  refused: string[];
  close(): Promise<void>;
}

const ALERT_TYPES = ['error', 'warning', 'info', 'success', 'user_update', 'recommendation', 'snapshot'];

/**
 * A loopback stand-in for the Datadog events API v1 (https://docs.datadoghq.com/api/latest/events/)
 * checking what the real one requires: `POST /api/v1/events`, a `DD-API-KEY` header with the key,
 * a JSON body with string `title` (≤ 100 chars) and `text` (≤ 4000), `tags` an array of strings,
 * a known `alert_type`. Answers as Datadog does: 202 `{"status":"ok","event":{…}}`, 403 for a
 * bad key, 400 `{"errors":[…]}` for a bad body.
 */
export async function startFakeDatadog(apiKey: string): Promise<FakeDatadog> {
  const accepted: DatadogEvent[] = [];
  const refused: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: unknown, why?: string) => {
        if (why) refused.push(why);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const url = new URL(req.url ?? '/', 'http://fake');
      if (req.method !== 'POST' || url.pathname !== '/api/v1/events')
        return answer(404, { errors: ['Not found'] }, `${req.method} ${url.pathname}`);
      if (req.headers['dd-api-key'] !== apiKey)
        return answer(403, { errors: ['Forbidden'] }, `DD-API-KEY ${String(req.headers['dd-api-key'])}`);
      if (!String(req.headers['content-type']).startsWith('application/json'))
        return answer(400, { errors: ['Unsupported content type'] }, String(req.headers['content-type']));
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer(400, { errors: ['Invalid JSON'] }, 'invalid JSON');
      }
      const { title, text, tags, alert_type } = body;
      if (typeof title !== 'string' || title === '' || title.length > 100)
        return answer(400, { errors: ['title is required (max 100 characters)'] }, `title ${String(title)}`);
      if (typeof text !== 'string' || text.length > 4000)
        return answer(400, { errors: ['text is required (max 4000 characters)'] }, 'text');
      if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string'))
        return answer(400, { errors: ['tags must be an array of strings'] }, 'tags');
      if (typeof alert_type !== 'string' || !ALERT_TYPES.includes(alert_type))
        return answer(400, { errors: [`invalid alert_type ${String(alert_type)}`] }, 'alert_type');
      accepted.push({ site: url.searchParams.get('site'), title, text, tags: tags as string[], alert_type, body });
      answer(202, {
        status: 'ok',
        event: { id: accepted.length, title, text, tags, alert_type, url: `https://app.datadoghq.com/event/event?id=${accepted.length}` },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    urlTemplate: `http://127.0.0.1:${port}/api/v1/events?site={site}`,
    accepted,
    refused,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
