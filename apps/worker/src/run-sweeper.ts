import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ScoringService } from '@lianjian/scoring';

// Redis holds queues, not truth (as for batches, see BatchSweeper): a full scoring run whose chunk
// jobs Redis lost (restarted empty, flushed) or that failed for good would otherwise stay 'running'
// forever. Every worker serving the scoring queue gives such chunks their job again; chunk job ids and
// the claim on saving make that idempotent across workers.
@Injectable()
export class RunSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(RunSweeper.name);
  private timer?: NodeJS.Timeout;
  private readonly after: number;

  constructor(
    private readonly scoring: ScoringService,
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
      const n = await this.scoring.resumeRuns(this.after);
      if (n) this.log.warn(`re-enqueued ${n} score run chunk(s) whose job was missing or had failed`);
      return n;
    } catch (e) {
      this.log.warn(`score run sweep failed: ${(e as Error).message}`);
      return 0;
    }
  }
}
