import http from 'node:http';
import https from 'node:https';
import type { TransportResult } from './attempt-outcome';

export interface SendResult extends TransportResult {
  durationMs: number;
}

// Kept-alive connections: a department's receiver gets many deliveries, and a new TLS handshake for
// each would cost more than the delivery. Idle sockets close before typical servers' 5 s keep-alive.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });

// POSTs one webhook. Never throws: the outcome is a status or a transport error. The timeout covers
// everything up to the response headers (connect, TLS, the receiver's processing); the response body
// is drained and ignored, so no receiver content is stored.
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<SendResult> {
  let u: URL;
  try {
    u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new Error(`unsupported protocol ${u.protocol}`);
  } catch (e) {
    return Promise.resolve({
      error: `invalid webhook URL: ${(e as Error).message}`,
      permanent: true,
      durationMs: 0,
    });
  }
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: TransportResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, durationMs: Math.round(performance.now() - started) });
    };
    const tls = u.protocol === 'https:';
    const req = (tls ? https : http).request(
      u,
      {
        method: 'POST',
        agent: tls ? httpsAgent : httpAgent,
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        res.on('error', () => undefined);
        res.resume();
        finish({ status: res.statusCode, statusText: res.statusMessage });
      },
    );
    // Declared after finish(), which only runs once the request is under way.
    const timer = setTimeout(() => {
      finish({ error: `no response within ${timeoutMs} ms (timeout)` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => finish({ error: describeError(e) }));
    req.end(body);
  });
}

export function describeError(e: Error & { code?: string }): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused (ECONNREFUSED)';
    case 'ECONNRESET':
      return 'connection reset (ECONNRESET)';
    case 'ENOTFOUND':
      return 'host not found (ENOTFOUND)';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `host unreachable (${e.code})`;
    default:
      return e.code ? `${e.message} (${e.code})` : e.message;
  }
}
