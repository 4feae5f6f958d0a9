import { createHmac, timingSafeEqual } from 'node:crypto';

// Webhook signature, version 1: HMAC-SHA256 with the department's secret over
// "<unix seconds>.<raw body>", hex, sent as `X-Lianjian-Signature: v1=<hex>`. The timestamp is
// signed so that a captured request cannot be replayed later with a fresh timestamp.
export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

// What a receiver does (also used by the tests): constant-time comparison, and a timestamp within
// `toleranceSeconds` of its clock.
export function verifyWebhook(
  secret: string,
  timestamp: string | number,
  rawBody: string,
  signatureHeader: string,
  opts: { toleranceSeconds?: number; nowSeconds?: number } = {},
): boolean {
  const ts = Number(timestamp);
  if (!Number.isInteger(ts)) return false;
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - ts) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, ts, rawBody));
  const given = Buffer.from(signatureHeader);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
