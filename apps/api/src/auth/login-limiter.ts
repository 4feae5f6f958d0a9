import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Redis } from 'ioredis';
import { DomainError, TooManyRequestsError } from '@lianjian/common';

// Failed sign-ins are counted in Redis per user name and per client address (so every API process
// shares the count): after LOGIN_MAX_FAILURES within LOGIN_WINDOW_MINUTES the next attempts are
// refused with 429 until the window passes. A success clears the user name's count.
@Injectable()
export class LoginLimiter implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly maxFailures: number;
  private readonly windowSeconds: number;

  constructor(config: ConfigService) {
    this.redis = new Redis(config.getOrThrow<string>('REDIS_URL'), {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
    });
    this.redis.on('error', () => undefined); // a down Redis refuses logins below, with a clear 503
    this.prefix = `${config.getOrThrow<string>('QUEUE_PREFIX')}:login`;
    this.maxFailures = config.getOrThrow<number>('LOGIN_MAX_FAILURES');
    this.windowSeconds = config.getOrThrow<number>('LOGIN_WINDOW_MINUTES') * 60;
  }

  private keys(username: string, client: string): string[] {
    // The per-address limit is wider: a whole office may sit behind one address.
    return [`${this.prefix}:user:${username.toLowerCase()}`, `${this.prefix}:ip:${client}`];
  }

  // Failed sign-ins cannot be counted while Redis is unreachable: sign-in is refused (503) rather
  // than letting password guessing go unlimited.
  private async redisDo<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      return await fn(this.redis);
    } catch {
      throw new DomainError(
        'service_unavailable',
        'sign-in is unavailable while Redis is unreachable; try again shortly / 登录服务暂不可用，请稍后再试',
      );
    }
  }

  async check(username: string, client: string): Promise<void> {
    const [userKey, ipKey] = this.keys(username, client);
    const [u, i, ttl] = await this.redisDo((r) =>
      Promise.all([r.get(userKey), r.get(ipKey), r.ttl(userKey)]),
    );
    if (Number(u ?? 0) >= this.maxFailures || Number(i ?? 0) >= this.maxFailures * 4)
      throw new TooManyRequestsError(
        `too many failed sign-ins; try again in ${Math.ceil(Math.max(ttl, 60) / 60)} minutes / 登录失败次数过多，请稍后再试`,
        Math.max(ttl, 1),
      );
  }

  async failed(username: string, client: string): Promise<void> {
    const m = this.redis.multi();
    for (const k of this.keys(username, client)) m.incr(k).expire(k, this.windowSeconds, 'NX');
    await this.redisDo(() => m.exec());
  }

  async succeeded(username: string): Promise<void> {
    await this.redisDo((r) => r.del(this.keys(username, '')[0]));
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
