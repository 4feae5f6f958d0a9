import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
import { Redis } from 'ioredis';

// Counts for @nestjs/throttler in Redis, so every api process shares them: one fixed window per key
// (INCR, expiring with the window) and, once over the limit, a block key that expires after the block
// duration. One Lua script, so two processes never both let the request over the limit through.
const INCREMENT = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or '0'), math.max(redis.call('PTTL', KEYS[1]), 0), 1, blocked}
end
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, ttl, 1, tonumber(ARGV[3])}
end
return {hits, ttl, 0, 0}`;

@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly log = new Logger('RateLimit');
  private readonly redis: Redis;
  private readonly prefix: string;
  private connecting: Promise<void> | undefined;
  private lastWarned = 0;

  constructor(config: ConfigService) {
    this.redis = new Redis(config.getOrThrow<string>('REDIS_URL'), {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
    });
    this.redis.on('error', () => undefined); // a down Redis lets requests through, see increment
    // Sent once, then run by its SHA (EVALSHA) on every request.
    this.redis.defineCommand('rateLimitIncrement', { numberOfKeys: 2, lua: INCREMENT });
    this.prefix = `${config.getOrThrow<string>('QUEUE_PREFIX')}:ratelimit`;
  }

  // ttl and blockDuration in ms (as the guard gives them); the record's times in seconds.
  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    name: string,
  ): Promise<ThrottlerStorageRecord> {
    try {
      if (this.redis.status === 'wait')
        this.connecting = this.redis.connect().finally(() => (this.connecting = undefined));
      await this.connecting;
      const redis = this.redis as Redis & {
        rateLimitIncrement(...args: (string | number)[]): Promise<unknown>;
      };
      const [totalHits, ttlMs, blocked, blockMs] = (await redis.rateLimitIncrement(
        `${this.prefix}:${name}:${key}`,
        `${this.prefix}:${name}:${key}:blocked`,
        ttl,
        limit,
        blockDuration,
      )) as [number, number, number, number];
      return {
        totalHits,
        timeToExpire: Math.ceil(ttlMs / 1000),
        isBlocked: blocked === 1,
        timeToBlockExpire: Math.ceil(blockMs / 1000),
      };
    } catch (e) {
      // Rate limits are a guard against floods, not an access rule: while Redis is unreachable (the
      // queues are down too, /health says so) requests are not counted rather than all refused.
      if (Date.now() - this.lastWarned > 60_000) {
        this.lastWarned = Date.now();
        this.log.warn(`rate limits not counted: Redis unreachable (${(e as Error).message})`);
      }
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => undefined);
    // Still connecting or reconnecting (Redis down): stop trying.
    else if (this.redis.status !== 'end') this.redis.disconnect();
  }
}
