import { Logger } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { BatchRepository } from '@lianjian/database';
import { FileIngestionService, IngestApplyService } from '@lianjian/ingestion';
import { JobName, QUEUE_CONCURRENCY, QueueName, type AnyJob } from '@lianjian/queue';
import { JobRunner } from './job-runner';

@Processor(QueueName.Ingest, { concurrency: QUEUE_CONCURRENCY[QueueName.Ingest] })
export class IngestProcessor extends WorkerHost {
  private readonly log = new Logger(IngestProcessor.name);

  constructor(
    private readonly apply: IngestApplyService,
    private readonly files: FileIngestionService,
    private readonly batches: BatchRepository,
    private readonly runner: JobRunner,
  ) {
    super();
  }

  process(job: Job): Promise<void> {
    return this.runner.run(QueueName.Ingest, job, () => this.handle(job));
  }

  private async handle(job: Job): Promise<void> {
    const j = job as unknown as AnyJob;
    switch (j.name) {
      case JobName.IngestBatch:
        return this.apply.applyBatch(j.data.batchId);
      case JobName.IngestFile:
        await this.files.process(j.data.batchId);
        return;
      case JobName.PurgeFiles:
        await this.files.purgeExpired();
        return;
      default:
        throw new Error(`queue ${QueueName.Ingest} has no handler for job ${job.name}`);
    }
  }

  // After the last retry the batch says it failed, with the error: visible in its report, and no
  // longer picked up by the sweep (which would otherwise retry it forever).
  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, err: Error): Promise<void> {
    return this.runner.within(QueueName.Ingest, job, () => this.markFailed(job, err));
  }

  private async markFailed(job: Job | undefined, err: Error): Promise<void> {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const batchId = (job.data as { batchId?: string }).batchId;
    if (!batchId) return;
    this.log.error(`batch ${batchId} failed after ${job.attemptsMade} attempts: ${err.message}`);
    await this.batches.markFailed(batchId, err.message).catch((e: unknown) => this.log.error(String(e)));
  }
}
