import { Module } from '@nestjs/common';
import { RedisThrottlerStorage } from './redis-throttler-storage';

// Rate limits (RATE_LIMIT_*): the Redis storage; the guard (RateLimitGuard) is registered in AppModule
// before the access guard.
@Module({ providers: [RedisThrottlerStorage], exports: [RedisThrottlerStorage] })
export class RateLimitModule {}
