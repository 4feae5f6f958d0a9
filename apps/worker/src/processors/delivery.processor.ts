import { Logger } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { WebhookDeliverer } from '@lianjian/delivery';
import { JobName, QUEUE_CONCURRENCY, QueueName, type AnyJob } from '@lianjian/queue';
import { JobRunner } from './job-runner';

// One job per webhook attempt; the deliverer records each attempt and schedules the next.
@Processor(QueueName.Delivery, { concurrency: QUEUE_CONCURRENCY[QueueName.Delivery] })
export class DeliveryProcessor extends WorkerHost {
  private readonly log = new Logger(DeliveryProcessor.name);
  private lastErrorLog = 0;

  constructor(
    private readonly deliverer: WebhookDeliverer,
    private readonly runner: JobRunner,
  ) {
    super();
  }

  process(job: Job): Promise<{ outcome: string; reason?: string }> {
    return this.runner.run(QueueName.Delivery, job, () => this.handle(job));
  }

  private async handle(job: Job): Promise<{ outcome: string; reason?: string }> {
    const j = job as unknown as AnyJob;
    switch (j.name) {
      case JobName.DeliverWebhook:
        return this.deliverer.deliver(j.data.deliveryId, j.data.attempt);
      default:
        throw new Error(`queue ${QueueName.Delivery} has no handler for job ${job.name}`);
    }
  }

  // A job fails only when its attempt could not be recorded (webhook errors are outcomes, not
  // failures); BullMQ retries it, and past its retries the relay queues the attempt again.
  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, err: Error): void {
    this.runner.within(QueueName.Delivery, job, () =>
      this.log.warn(`job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${err.message}`),
    );
  }

  // Queue errors (Redis gone, a job lost with it) at most every 10 s: PostgreSQL keeps every delivery,
  // and the relay queues again what was lost.
  @OnWorkerEvent('error')
  onError(err: Error): void {
    if (Date.now() - this.lastErrorLog < 10_000) return;
    this.lastErrorLog = Date.now();
    this.log.warn(`delivery queue: ${err.message}`);
  }
}
