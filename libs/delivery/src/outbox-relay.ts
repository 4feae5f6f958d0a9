import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { withTimeout } from '@lianjian/common';
import { DeliveryRepository } from '@lianjian/database';
import { JobName, JobQueue, QueueName } from '@lianjian/queue';
import { deliveryJobId, ENQUEUE_TIMEOUT_MS, WebhookDeliverer } from './webhook-deliverer';

export const DELIVERY_CHANNEL = 'lianjian_delivery';
const BATCH = 500;

// The outbox relay (发件箱中继): webhook deliveries are committed with their alert in PostgreSQL; this
// moves them to the delivery queue. It wakes on NOTIFY (a trigger on delivery, sent at commit) and
// polls every OUTBOX_POLL_MS for due retries, missed notifications and attempts whose job was lost.
// Rows are locked (SKIP LOCKED, so any number of workers relay side by side), queued, and stamped
// enqueued_at in one transaction: with Redis down nothing is stamped, and they go when it is back.
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(OutboxRelay.name);
  private readonly url: string;
  private readonly pollMs: number;
  private readonly staleMs: number;
  private timer?: NodeJS.Timeout;
  private listener?: pg.Client;
  private listening?: Promise<void>;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private failing = false;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly deliveries: DeliveryRepository,
    private readonly jobs: JobQueue,
    private readonly deliverer: WebhookDeliverer,
    config: ConfigService,
  ) {
    this.url = config.getOrThrow<string>('DATABASE_URL');
    this.pollMs = config.getOrThrow<number>('OUTBOX_POLL_MS');
    this.staleMs = config.getOrThrow<number>('OUTBOX_STALE_MS');
  }

  onApplicationBootstrap(): void {
    // Connection errors are reported by the relay's own passes (once per outage), not per reconnect.
    this.jobs.queue(QueueName.Delivery).on('error', () => undefined);
    this.listening = this.listen();
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  // Before the database and queue connections close (they close at application shutdown).
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.listener?.end().catch(() => undefined);
    await this.listening;
    await this.running;
  }

  // Runs a relay pass now, or right after the current one.
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = undefined));
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        const n = await this.relayOnce();
        if (n >= BATCH) this.again = true;
        if (this.failing) this.log.log('outbox relay: queueing again');
        this.failing = false;
      } catch (e) {
        // Once per outage, not once per poll.
        if (!this.failing)
          this.log.warn(`outbox relay: deliveries wait in PostgreSQL (${(e as Error).message})`);
        this.failing = true;
      }
    } while (this.again && !this.stopped);
  }

  // One pass: returns how many attempts were queued.
  async relayOnce(): Promise<number> {
    if (!(await this.redisReady())) throw new Error('Redis is not reachable');
    return this.ds.transaction(async (em) => {
      const due = await this.deliveries.lockDue(em, BATCH, this.staleMs, this.deliverer.leaseMs);
      if (!due.length) return 0;
      await withTimeout(
        this.jobs.addBulk(
          JobName.DeliverWebhook,
          due.map((d) => ({
            data: { deliveryId: d.id, attempt: d.attempt },
            opts: { jobId: deliveryJobId(d.id, d.attempt) },
          })),
        ),
        ENQUEUE_TIMEOUT_MS,
      );
      await this.deliveries.markEnqueued(
        em,
        due.map((d) => d.id),
      );
      const lost = due.filter((d) => d.requeued).length;
      if (lost) this.log.warn(`outbox relay: queued ${lost} attempt(s) again whose job was lost`);
      return due.length;
    });
  }

  // Without this, a queue call while Redis is down waits in the client's offline queue.
  private async redisReady(): Promise<boolean> {
    try {
      const client = await withTimeout(this.jobs.queue(QueueName.Delivery).getBackend().client, 250);
      return client.status === 'ready';
    } catch {
      return false;
    }
  }

  // One dedicated connection LISTENs; when it drops, it is opened again (and a pass catches up on
  // whatever was committed meanwhile).
  private async listen(): Promise<void> {
    let warned = false;
    while (!this.stopped) {
      const client = new pg.Client({
        connectionString: this.url,
        application_name: 'lianjian-outbox-relay',
        connectionTimeoutMillis: 5000,
        keepAlive: true,
      });
      const closed = new Promise<void>((resolve) => {
        client.on('error', () => resolve());
        client.on('end', () => resolve());
      });
      try {
        await client.connect();
        client.on('notification', () => this.kick());
        await client.query(`LISTEN ${DELIVERY_CHANNEL}`);
        this.listener = client;
        // Stopped while connecting: onModuleDestroy found no listener to end.
        if (this.stopped) await client.end();
        warned = false;
        this.kick();
        await closed;
      } catch (e) {
        if (!warned && !this.stopped)
          this.log.warn(`outbox relay: cannot LISTEN (${(e as Error).message}); polling meanwhile`);
        warned = true;
      } finally {
        this.listener = undefined;
        await client.end().catch(() => undefined);
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
