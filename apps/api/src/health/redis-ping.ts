import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Redis } from 'ioredis';

// A dedicated connection for health checks: it fails fast instead of queueing commands while Redis
// is down, so /health answers 503 promptly.
@Injectable()
export class RedisPing implements OnModuleDestroy {
  private readonly client: Redis;

  constructor(config: ConfigService) {
    this.client = new Redis(config.getOrThrow<string>('REDIS_URL'), {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.client.on('error', () => undefined); // reported through /health, not as log noise
  }

  async ping(): Promise<void> {
    if (this.client.status === 'wait') await this.client.connect();
    const pong = await this.client.ping();
    if (pong !== 'PONG') throw new Error(`unexpected reply ${pong}`);
  }

  async onModuleDestroy(): Promise<void> {
    this.client.disconnect();
  }
}
