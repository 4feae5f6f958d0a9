import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import { TooManyRequestsError } from '@lianjian/common';
import { credentialOf, EXPENSIVE_KEY, rateLimitTracker, SKIP_RATE_LIMIT_KEY } from './rate-limit';
import { RedisThrottlerStorage } from './redis-throttler-storage';

// Rate limits (RATE_LIMIT_*), before the access guard so a flood is turned away before any token
// lookup. Counted per tracker over fixed windows of RATE_LIMIT_WINDOW_SECONDS in Redis (shared by
// every api process): `caller` for requests with a bearer token or API key, `address` for those
// without, and `expensive` for the routes marked @Expensive(), on top. A limit of 0 is off. Over a
// limit: 429 { error: too_many_requests } with Retry-After and a zh + en message, until the window
// ends.
//
// This is @nestjs/throttler's guard, in the repo's own terms: the storage is a ThrottlerStorage (see
// redis-throttler-storage.ts), but the package's ThrottlerGuard is CommonJS requiring the ESM-only
// @nestjs/common 12, which Jest's ESM mode cannot load on Node 20 (it needs Node 24.9+).
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly windowMs: number;
  private readonly perCaller: number;
  private readonly perAddress: number;
  private readonly expensive: number;

  constructor(
    private readonly reflector: Reflector,
    private readonly storage: RedisThrottlerStorage,
    config: ConfigService,
  ) {
    this.windowMs = config.getOrThrow<number>('RATE_LIMIT_WINDOW_SECONDS') * 1000;
    this.perCaller = config.getOrThrow<number>('RATE_LIMIT_PER_CALLER');
    this.perAddress = config.getOrThrow<number>('RATE_LIMIT_PER_ADDRESS');
    this.expensive = config.getOrThrow<number>('RATE_LIMIT_EXPENSIVE');
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    const limits: [string, number][] = [
      credentialOf(req) ? ['caller', this.perCaller] : ['address', this.perAddress],
    ];
    if (this.reflector.getAllAndOverride<boolean>(EXPENSIVE_KEY, targets))
      limits.push(['expensive', this.expensive]);
    const tracker = rateLimitTracker(req);
    for (const [name, limit] of limits) {
      if (limit === 0) continue;
      const r = await this.storage.increment(tracker, this.windowMs, limit, this.windowMs, name);
      const res = ctx.switchToHttp().getResponse<Response>();
      if (name !== 'expensive') {
        res.setHeader('X-RateLimit-Limit', String(limit));
        res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - r.totalHits)));
      }
      if (r.isBlocked) {
        const wait = Math.max(1, r.timeToBlockExpire);
        const what =
          name === 'expensive' ? 'expensive requests (backtests, exports, runs, uploads)' : 'requests';
        throw new TooManyRequestsError(
          `too many ${what}: more than ${limit} in ${this.windowMs / 1000} s; retry in ${wait} s / 请求过于频繁，请 ${wait} 秒后重试`,
          wait,
        );
      }
    }
    return true;
  }
}
