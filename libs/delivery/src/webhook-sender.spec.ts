import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@lianjian/common';
import { postWebhook } from './webhook-sender';

// Real sockets on 127.0.0.1: how each way a receiver can fail reaches the classification.
describe('postWebhook', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const s = createServer(handler);
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook`;
  }

  it('sends the body and headers, and returns the status', async () => {
    let got: { body: string; headers: Record<string, unknown> } | undefined;
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got = { body, headers: req.headers };
        res.writeHead(202).end('ok');
      });
    });
    const r = await postWebhook(
      url,
      '{"a":"联"}',
      { 'Content-Type': 'application/json', 'X-Test': '1' },
      2000,
    );
    expect(r).toMatchObject({ status: 202 });
    expect(r.error).toBeUndefined();
    expect(got?.body).toBe('{"a":"联"}');
    expect(got?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-test': '1',
      'content-length': '11',
    });
  });

  it('reports a status with its text', async () => {
    const url = await serve((_req, res) => res.writeHead(503, 'Service Unavailable').end());
    expect(await postWebhook(url, '{}', {}, 2000)).toMatchObject({
      status: 503,
      statusText: 'Service Unavailable',
    });
  });

  it('times out a receiver that never answers, within the budget', async () => {
    const url = await serve(() => undefined);
    const r = await postWebhook(url, '{}', {}, 300);
    expect(r.error).toBe('no response within 300 ms (timeout)');
    expect(r.status).toBeUndefined();
    expect(r.durationMs).toBeGreaterThanOrEqual(290);
    expect(r.durationMs).toBeLessThan(2000);
  });

  it('reports a refused connection and a reset one', async () => {
    const closed = await freePort();
    expect((await postWebhook(`http://127.0.0.1:${closed}/hook`, '{}', {}, 2000)).error).toBe(
      'connection refused (ECONNREFUSED)',
    );
    const url = await serve((req) => req.socket.destroy());
    expect((await postWebhook(url, '{}', {}, 2000)).error).toMatch(
      /connection reset \(ECONNRESET\)|socket hang up/,
    );
  });

  it('refuses a URL it cannot send to, as permanent', async () => {
    expect(await postWebhook('ftp://example.org/x', '{}', {}, 1000)).toMatchObject({ permanent: true });
  });
});
