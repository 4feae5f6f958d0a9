import { createHash } from 'node:crypto';
import { SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import { sessionTokenOf } from '../auth/session-cookies';

// Routes whose every call costs much (a backtest, an export, a full scoring run, an upload): they
// share the stricter RATE_LIMIT_EXPENSIVE, on top of the caller's limit.
export const EXPENSIVE_KEY = 'lianjian:rate-limit:expensive';
export const Expensive = () => SetMetadata(EXPENSIVE_KEY, true);

// Routes with a limiter of their own (POST /auth/login: LOGIN_*), not counted twice.
export const SKIP_RATE_LIMIT_KEY = 'lianjian:rate-limit:skip';
export const SkipRateLimit = () => SetMetadata(SKIP_RATE_LIMIT_KEY, true);

// The credential a request carries (bearer token, API key, or the console's session cookie, as the
// access guard takes them), if any. A session's token counts as its bearer token would, so staff of
// one office behind one gateway address are counted each for themselves.
export function credentialOf(req: Request): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth !== '') return auth;
  const key = req.headers['x-api-key'];
  if (key !== undefined && key !== '') return typeof key === 'string' ? key : undefined;
  const session = sessionTokenOf(req);
  return session ? `Bearer ${session}` : undefined;
}

// Who a request is counted for: its token or key (hashed: a credential is never stored), else its
// client address (req.ip: the peer, or what TRUST_PROXY lets X-Forwarded-For say).
export function rateLimitTracker(req: Request): string {
  const c = credentialOf(req);
  return c ? `c:${createHash('sha256').update(c).digest('hex')}` : `a:${req.ip ?? 'unknown'}`;
}
