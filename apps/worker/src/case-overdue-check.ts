import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JobName, JobQueue, QueueName } from '@lianjian/queue';
import { schedule } from './schedule';

// Case tasks are watched against their due dates on a schedule (one check per tick however many
// workers run): the rules processor hands late tasks to the case_overdue rules, once as a reminder
// (催办) and once more, after the case type's grace period, as an escalation (督办).
@Injectable()
export class CaseOverdueCheck implements OnApplicationBootstrap {
  private readonly log = new Logger(CaseOverdueCheck.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly config: ConfigService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await schedule(
      this.jobs.queue(QueueName.Rules),
      JobName.CheckOverdueCases,
      this.config.getOrThrow<string>('CASE_OVERDUE_CRON'),
      this.config.getOrThrow<string>('FEED_CHECK_TZ'),
      { name: JobName.CheckOverdueCases, data: {} },
      this.log,
    );
  }
}
