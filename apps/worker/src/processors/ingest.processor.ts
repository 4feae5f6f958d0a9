import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { FileIngestionService, IngestApplyService } from '@lianjian/ingestion';
import { JobName, QUEUE_CONCURRENCY, QueueName, type AnyJob } from '@lianjian/queue';

@Processor(QueueName.Ingest, { concurrency: QUEUE_CONCURRENCY[QueueName.Ingest] })
export class IngestProcessor extends WorkerHost {
  constructor(
    private readonly apply: IngestApplyService,
    private readonly files: FileIngestionService,
  ) {
    super();
  }

  async process(job: Job): Promise<void> {
    const j = job as unknown as AnyJob;
    switch (j.name) {
      case JobName.IngestBatch:
        return this.apply.applyBatch(j.data.batchId);
      case JobName.IngestFile:
        await this.files.process(j.data.batchId);
        return;
      default:
        throw new Error(`queue ${QueueName.Ingest} has no handler for job ${job.name}`);
    }
  }
}
