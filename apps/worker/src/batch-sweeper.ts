import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { BatchRepository } from '@lianjian/database';
import { FileIngestionService, IngestionService } from '@lianjian/ingestion';

// Redis holds queues, not truth: a batch that PostgreSQL says is pending but whose job was lost
// (Redis down when it was accepted, or flushed since) is enqueued again, and one whose job failed for
// good without the batch being marked failed (PostgreSQL down at its last attempt) has it retried.
// Enqueueing is idempotent (job id = batch id), so several workers sweeping at once do no harm.
@Injectable()
export class BatchSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(BatchSweeper.name);
  private timer?: NodeJS.Timeout;
  private readonly after: number;

  constructor(
    private readonly batches: BatchRepository,
    private readonly ingestion: IngestionService,
    private readonly files: FileIngestionService,
    config: ConfigService,
  ) {
    this.after = config.getOrThrow<number>('SWEEP_AFTER_SECONDS');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), Math.max(1000, (this.after * 1000) / 2));
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    try {
      const pending = await this.batches.stalePending(this.after);
      let n = 0;
      for (const b of pending)
        if (await (b.origin === 'file' ? this.files.ensureQueued(b.id) : this.ingestion.ensureQueued(b.id)))
          n++;
      if (n) this.log.warn(`re-enqueued ${n} pending batch(es) whose job was missing or had failed`);
      return n;
    } catch (e) {
      this.log.warn(`sweep failed: ${(e as Error).message}`);
      return 0;
    }
  }
}
