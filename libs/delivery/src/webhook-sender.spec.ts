import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@lianjian/common';
import { postWebhook } from './webhook-sender';

// The receivers of these tests listen on loopback, which only an allow-list lets webhooks reach.
const LOCAL = { httpsOnly: false, allowedNetworks: ['127.0.0.1/32'] };
const GENERIC = /^no HTTP answer from the receiver \(unreachable, refused or timed out\) \/ 接收端无应答/;

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
      LOCAL,
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
    expect(await postWebhook(url, '{}', {}, 2000, LOCAL)).toMatchObject({
      status: 503,
      statusText: 'Service Unavailable',
    });
  });

  it('times out a receiver that never answers, within the budget, saying only that there was no answer', async () => {
    const url = await serve(() => undefined);
    const r = await postWebhook(url, '{}', {}, 300, LOCAL);
    expect(r.error).toMatch(GENERIC);
    expect(r.detail).toBe('127.0.0.1: no response within 300 ms (timeout)');
    expect(r.status).toBeUndefined();
    expect(r.durationMs).toBeGreaterThanOrEqual(290);
    expect(r.durationMs).toBeLessThan(2000);
  });

  it('reports a refused connection and a reset one with the same words as a timeout (the detail is for the log)', async () => {
    const closed = await freePort();
    const refused = await postWebhook(`http://127.0.0.1:${closed}/hook`, '{}', {}, 2000, LOCAL);
    expect(refused.error).toMatch(GENERIC);
    expect(refused.detail).toBe('127.0.0.1: connection refused (ECONNREFUSED)');
    const url = await serve((req) => req.socket.destroy());
    const reset = await postWebhook(url, '{}', {}, 2000, LOCAL);
    expect(reset.error).toBe(refused.error);
    expect(reset.detail).toMatch(/connection reset \(ECONNRESET\)|socket hang up/);
  });

  it('refuses a URL it cannot send to, as permanent', async () => {
    expect(await postWebhook('ftp://example.org/x', '{}', {}, 1000, LOCAL)).toMatchObject({
      permanent: true,
    });
    expect(await postWebhook('not a url', '{}', {}, 1000, LOCAL)).toMatchObject({ permanent: true });
  });

  it('connects to no internal address, however written, unless allow-listed; permanent, with generic text', async () => {
    let reached = 0;
    const url = await serve((_req, res) => {
      reached++;
      res.writeHead(200).end();
    });
    const port = new URL(url).port;
    const forms = [
      '127.0.0.1',
      '2130706433',
      '0x7f.1',
      '0177.0.0.1',
      '[::ffff:127.0.0.1]',
      'localhost',
      '[::1]',
    ];
    for (const host of forms) {
      const r = await postWebhook(`http://${host}:${port}/hook`, '{}', {}, 1000, {
        httpsOnly: false,
        allowedNetworks: [],
      });
      expect(r).toMatchObject({
        permanent: true,
        error: expect.stringMatching(/^webhook target not allowed/),
        detail: expect.stringMatching(/^target refused: .*loopback/),
      });
      expect(r.status).toBeUndefined();
    }
    expect(reached).toBe(0);
    // An allow-listed network is reached in any of its forms.
    expect(await postWebhook(`http://0x7f.1:${port}/hook`, '{}', {}, 1000, LOCAL)).toMatchObject({
      status: 200,
    });
    expect(reached).toBe(1);
  });

  it('connects to the address it resolved and checked (pinned), asking the resolver once', async () => {
    const seen: string[] = [];
    const url = await serve((req, res) => {
      seen.push(String(req.headers.host));
      res.writeHead(204).end();
    });
    const port = new URL(url).port;
    const asked: string[] = [];
    // A rebinding name: an allowed address at the first look, a private one at the next. Each post
    // looks once and connects to the address it checked (the name itself resolves nowhere).
    const answers = [['127.0.0.1'], ['10.0.0.1']];
    const resolve = async (host: string) => {
      asked.push(host);
      return (answers.shift() ?? []).map((address) => ({ address, family: 4 }));
    };
    const r = await postWebhook(`http://receiver.rebind.test:${port}/hook`, '{}', {}, 1000, {
      ...LOCAL,
      resolve,
    });
    expect(r).toMatchObject({ status: 204 });
    expect(asked).toEqual(['receiver.rebind.test']);
    expect(seen).toEqual([`receiver.rebind.test:${port}`]);

    const refused = await postWebhook(`http://receiver.rebind.test:${port}/hook`, '{}', {}, 1000, {
      ...LOCAL,
      resolve,
    });
    expect(refused).toMatchObject({
      permanent: true,
      detail: expect.stringMatching(/resolves to 10.0.0.1 \(private\)/),
    });
    expect(seen).toHaveLength(1);
  });

  it('refuses http:// in production except to an allow-listed address', async () => {
    const url = await serve((_req, res) => res.writeHead(200).end());
    const r = await postWebhook(url, '{}', {}, 1000, { httpsOnly: true, allowedNetworks: [] });
    expect(r).toMatchObject({ permanent: true, detail: expect.stringMatching(/https:\/\/ required/) });
    expect(await postWebhook(url, '{}', {}, 1000, { ...LOCAL, httpsOnly: true })).toMatchObject({
      status: 200,
    });
  });
});
