import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Client } from 'pg';
import { ACCESS_CHANGES_CHANNEL, parseAccessChange, PrincipalCache, type Principal } from '@lianjian/access';
import { AccessRepository } from '@lianjian/database';

// Whom bearer tokens and API keys stand for, cached for ACCESS_CACHE_SECONDS (0: off) in this api
// process, and the connection that hears PostgreSQL's notifications of access changes (migration
// 1765910000000): a user disabled or changed, a token or an API key revoked drops the entries it
// touches in every api process when it commits. The cache is used only while that connection
// listens; lost, it is bypassed (and emptied) until it listens again.
@Injectable()
export class AccessCache implements OnModuleInit, OnModuleDestroy {
  readonly principals: PrincipalCache<Principal>;
  private readonly log = new Logger('AccessCache');
  private readonly url: string;
  private readonly seconds: number;
  private client: Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(config: ConfigService, access: AccessRepository) {
    this.seconds = config.getOrThrow<number>('ACCESS_CACHE_SECONDS');
    this.url = config.getOrThrow<string>('DATABASE_URL');
    this.principals = new PrincipalCache<Principal>(this.seconds * 1000);
    // This process's own changes drop their entries as they commit, before the answer that made them
    // (the notification from PostgreSQL may come after the caller's next request).
    access.onAccessChange((change) => this.principals.invalidate(change));
  }

  async onModuleInit(): Promise<void> {
    // Start-up does not wait on it beyond a first attempt: without it the cache is only bypassed.
    if (this.seconds > 0) await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.principals.setLive(false);
    await this.client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.url, application_name: 'lianjian-api-access-cache' });
    this.client = client;
    const lost = (why: string) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.principals.setLive(false);
      client.end().catch(() => undefined);
      if (this.stopped) return;
      this.log.warn(
        `access changes not heard (${why}): principals are looked up on every request until they are`,
      );
      this.retry = setTimeout(() => void this.listen(), 1000);
      this.retry.unref();
    };
    client.on('error', (e) => lost(e.message));
    client.on('end', () => lost('connection closed'));
    client.on('notification', (n) => {
      if (n.channel !== ACCESS_CHANGES_CHANNEL) return;
      const change = parseAccessChange(n.payload);
      // A notification that cannot be read could have been any change: everything goes.
      if (change) this.principals.invalidate(change);
      else this.principals.clear();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${ACCESS_CHANGES_CHANNEL}`);
      if (this.client === client && !this.stopped) this.principals.setLive(true);
    } catch (e) {
      lost((e as Error).message);
    }
  }
}
