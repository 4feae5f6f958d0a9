import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ServiceUnavailableError } from '@lianjian/common';

// A semaphore around password hashing. scrypt (~100 ms, 32 MiB) runs on libuv's small thread pool,
// which file and DNS work share: an unauthenticated sign-in flood would fill it and queue without
// bound. LOGIN_HASH_CONCURRENCY hashes run at once, LOGIN_HASH_QUEUE more wait for a turn, and
// anything beyond is answered 503 with Retry-After at once.
@Injectable()
export class HashGate {
  private readonly concurrency: number;
  private readonly queueLimit: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  // The most hashes that ran at once since start (for tests and operators).
  peak = 0;

  constructor(config: ConfigService) {
    this.concurrency = config.getOrThrow<number>('LOGIN_HASH_CONCURRENCY');
    this.queueLimit = config.getOrThrow<number>('LOGIN_HASH_QUEUE');
  }

  async run<T>(hash: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) this.running++;
    else if (this.waiting.length < this.queueLimit)
      await new Promise<void>((resolve) => this.waiting.push(resolve)); // the slot is handed over
    else
      throw new ServiceUnavailableError('sign-in is busy; try again in a moment / 登录繁忙，请稍后再试', 1);
    this.peak = Math.max(this.peak, this.running);
    try {
      return await hash();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
