import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { METRICS, NO_METRICS, type Metrics } from '@lianjian/common';
import { BatchRepository } from '@lianjian/database';
import { JobName, JobQueue } from '@lianjian/queue';

// Worker side of ingestion: applies a staged batch, then asks for rules and re-scores.
@Injectable()
export class IngestApplyService {
  private readonly log = new Logger(IngestApplyService.name);

  constructor(
    private readonly batches: BatchRepository,
    private readonly jobs: JobQueue,
    @Optional() @Inject(METRICS) private readonly metrics: Metrics = NO_METRICS,
  ) {}

  async applyBatch(batchId: string): Promise<void> {
    const res = await this.batches.apply(batchId);
    const touched = res.alreadyApplied ? await this.batches.touchedEntityIds(batchId) : res.touchedEntityIds;
    // A batch applied before (a retried job) still gets its follow-up jobs: they are idempotent and
    // may have been lost when the earlier run died after committing.
    await this.jobs.add(JobName.EvaluateBatch, { batchId }, { jobId: `evaluate-${batchId}` });
    await this.jobs.rescoreBatch(batchId, touched);
    if (!res.alreadyApplied) this.metrics.recordsApplied(res);
    if (!res.alreadyApplied)
      this.log.log(
        `batch ${batchId}: inserted ${res.inserted}, updated ${res.updated}, unchanged ${res.unchanged}, entities ${res.touchedEntityIds.length}`,
      );
  }
}
