import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { withTimeout } from '@lianjian/common';
import type { TransportResult } from './attempt-outcome';
import { resolveTarget, TARGET_REFUSED, type WebhookTargetPolicy } from './webhook-target';

export interface SendResult extends TransportResult {
  durationMs: number;
}

// What the attempt log says of an attempt that got no HTTP answer, whatever the reason: refused,
// reset, unreachable and timed out look alike to the caller, so the log is no port scanner. The
// reason itself (SendResult.detail) goes to the server log only.
export const NO_ANSWER =
  'no HTTP answer from the receiver (unreachable, refused or timed out) / 接收端无应答（无法连接、被拒绝或超时）';
export const INVALID_URL = 'invalid webhook URL / 推送地址无效';

// Kept-alive connections: a department's receiver gets many deliveries, and a new TLS handshake for
// each would cost more than the delivery. Idle sockets close before typical servers' 5 s keep-alive.
// A pooled socket was opened to an address checked when it was opened.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });

// POSTs one webhook. Never throws: the outcome is a status or a transport error. The host is resolved
// once and checked (webhook-target.ts); the connection goes to that address (a pinned lookup), while
// TLS still verifies the certificate against the host name. The timeout covers everything up to the
// response headers (resolution, connect, TLS, the receiver's processing); the response body is
// drained and ignored, so no receiver content is stored.
export async function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  policy: WebhookTargetPolicy,
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let u: URL;
  try {
    u = new URL(url);
  } catch (e) {
    return {
      error: INVALID_URL,
      detail: `invalid webhook URL: ${(e as Error).message}`,
      permanent: true,
      durationMs: 0,
    };
  }
  let target: Awaited<ReturnType<typeof resolveTarget>>;
  try {
    target = await withTimeout(resolveTarget(u, policy), timeoutMs);
  } catch (e) {
    return { error: NO_ANSWER, detail: `${u.hostname}: ${describeError(e as Error)}`, durationMs: elapsed() };
  }
  if (!target.ok)
    return {
      error: TARGET_REFUSED,
      detail: `target refused: ${target.problem}`,
      permanent: true,
      durationMs: elapsed(),
    };
  const { address, family } = target;
  const pinned: LookupFunction = (_host, opts, cb) => {
    if (opts.all) cb(null, [{ address, family }]);
    else cb(null, address, family);
  };
  const budget = Math.max(1, timeoutMs - elapsed());
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: TransportResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, durationMs: elapsed() });
    };
    const tls = u.protocol === 'https:';
    const req = (tls ? https : http).request(
      u,
      {
        method: 'POST',
        agent: tls ? httpsAgent : httpAgent,
        lookup: pinned,
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
      finish({ error: NO_ANSWER, detail: `${address}: no response within ${timeoutMs} ms (timeout)` });
      req.destroy();
    }, budget);
    req.on('error', (e) => finish({ error: NO_ANSWER, detail: `${address}: ${describeError(e)}` }));
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
