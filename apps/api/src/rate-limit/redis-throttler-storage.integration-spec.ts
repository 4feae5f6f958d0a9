import { randomUUID } from 'node:crypto';
import type { ConfigService } from '@nestjs/config';
import { RedisThrottlerStorage } from './redis-throttler-storage';

// The rate-limit counts in a real Redis: shared by two storages (two api processes), blocked once
// over the limit until the block ends, and not counted (nothing refused) while Redis is unreachable.
const config = (url: string, prefix: string) =>
  ({ getOrThrow: (k: string) => ({ REDIS_URL: url, QUEUE_PREFIX: prefix })[k] }) as unknown as ConfigService;

describe('RedisThrottlerStorage', () => {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `test-rl-${randomUUID()}`;
  const a = new RedisThrottlerStorage(config(url, prefix));
  const b = new RedisThrottlerStorage(config(url, prefix));
  const down = new RedisThrottlerStorage(config('redis://127.0.0.1:1', prefix));

  afterAll(async () => {
    await Promise.all([a.onModuleDestroy(), b.onModuleDestroy(), down.onModuleDestroy()]);
  });

  it('counts one window across storages and blocks beyond the limit', async () => {
    const hit = (s: RedisThrottlerStorage) => s.increment('caller-1', 60_000, 3, 30_000, 'caller');
    const records = [await hit(a), await hit(b), await hit(a)];
    expect(records.map((r) => [r.totalHits, r.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
    ]);
    expect(records[0].timeToExpire).toBeGreaterThan(0);
    expect(records[0].timeToExpire).toBeLessThanOrEqual(60);
    const over = await hit(b);
    expect(over).toMatchObject({ totalHits: 4, isBlocked: true });
    expect(over.timeToBlockExpire).toBeGreaterThan(0);
    expect(over.timeToBlockExpire).toBeLessThanOrEqual(30);
    // Blocked: further hits are refused without counting; another key or throttler is not.
    expect(await hit(a)).toMatchObject({ totalHits: 4, isBlocked: true });
    expect(await a.increment('caller-2', 60_000, 3, 30_000, 'caller')).toMatchObject({ totalHits: 1 });
    expect(await a.increment('caller-1', 60_000, 3, 30_000, 'expensive')).toMatchObject({ totalHits: 1 });
  });

  it('lets requests through, uncounted, while Redis is unreachable', async () => {
    expect(await down.increment('caller-1', 60_000, 1, 60_000, 'caller')).toEqual({
      totalHits: 0,
      timeToExpire: 0,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });
});
