import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JobName, JobQueue, QueueName } from '@lianjian/queue';
import { schedule } from './schedule';

// The nightly full scoring run (每日全量评分): a BullMQ job scheduler starts one run per tick
// (SCORING_CRON in SCORING_TZ, default 02:00 Asia/Shanghai); the run fans out in chunks across every
// worker serving the scoring queue.
@Injectable()
export class NightlyScoring implements OnApplicationBootstrap {
  private readonly log = new Logger(NightlyScoring.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly config: ConfigService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await schedule(
      this.jobs.queue(QueueName.Scoring),
      'nightly-score-run',
      this.config.getOrThrow<string>('SCORING_CRON'),
      this.config.getOrThrow<string>('SCORING_TZ'),
      { name: JobName.StartScoreRun, data: { trigger: 'nightly' } },
      this.log,
    );
  }
}
