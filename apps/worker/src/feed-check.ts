import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SourceHealthRepository } from '@lianjian/database';
import { feedHealth, SourceProfiles } from '@lianjian/ingestion';
import { JobName, JobQueue, QueueName } from '@lianjian/queue';
import { FeedHealthTrigger, type FeedSnapshot } from '@lianjian/rules';
import { schedule } from './schedule';

// Feeds are watched on a schedule (a BullMQ job scheduler: one check per tick however many workers
// run): each configured source's health is computed from its batches and handed to the feed_health
// rules, so a stalled or suddenly empty feed reaches the department that sends it.
@Injectable()
export class FeedCheck implements OnApplicationBootstrap {
  private readonly log = new Logger(FeedCheck.name);
  private readonly cron: string;
  private readonly tz: string;

  constructor(
    private readonly profiles: SourceProfiles,
    private readonly health: SourceHealthRepository,
    private readonly rules: FeedHealthTrigger,
    private readonly jobs: JobQueue,
    config: ConfigService,
  ) {
    this.cron = config.getOrThrow<string>('FEED_CHECK_CRON');
    this.tz = config.getOrThrow<string>('SCHEDULES_TZ');
  }

  async onApplicationBootstrap(): Promise<void> {
    await schedule(
      this.jobs.queue(QueueName.Rules),
      JobName.CheckFeeds,
      this.cron,
      this.tz,
      { name: JobName.CheckFeeds, data: {} },
      this.log,
    );
  }

  // The feeds as the rules see them, now.
  async snapshots(now = new Date()): Promise<FeedSnapshot[]> {
    const stats = await this.health.stats();
    return this.profiles.list().map(({ profile }) => {
      const h = feedHealth(stats.get(profile.id), now);
      return {
        source: profile.id,
        status: h.status,
        departmentCode: profile.departmentCode ?? null,
        silentHours: h.lastBatchAt
          ? Math.floor((now.getTime() - new Date(h.lastBatchAt).getTime()) / 3_600_000)
          : null,
        lastBatchRows: h.lastBatchRows,
        usualRowsPerBatch: h.usualRowsPerBatch,
        rejectionRate7d: h.rejectionRate7d,
        message: h.message,
      };
    });
  }

  async run(now = new Date()): Promise<number> {
    const feeds = await this.snapshots(now);
    const raised = await this.rules.evaluate(feeds);
    const unwell = feeds.filter((f) => f.status !== 'ok' && f.status !== 'never');
    if (unwell.length)
      this.log.log(
        `feed check: ${unwell.map((f) => `${f.source} ${f.status}`).join(', ')}; ${raised} alert(s)`,
      );
    return raised;
  }
}
