import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JobName, JobQueue, QueueName } from '@lianjian/queue';
import { schedule } from './schedule';

// The rules queue's timed checks, each a BullMQ job scheduler (one job per tick however many workers
// run), handled by the rules processor:
// - ESCALATION_CRON: deliveries past their acknowledgement SLA go to the delivery_overdue rules;
// - CASE_OVERDUE_CRON: case tasks past their due date go to the case_overdue rules, once as a
//   reminder (催办) and once more, after the case type's grace period, as an escalation (督办);
// - PUBLICATION_OVERDUE_CRON: random inspection results unpublished 20 working days after the
//   inspection go to the publication_overdue rules, once each (一公开).
// (The feed check schedules itself in feed-check.ts, which also computes the feeds' health.)
const CHECKS: {
  job: JobName.CheckEscalations | JobName.CheckOverdueCases | JobName.CheckOverduePublications;
  cron: string;
}[] = [
  { job: JobName.CheckEscalations, cron: 'ESCALATION_CRON' },
  { job: JobName.CheckOverdueCases, cron: 'CASE_OVERDUE_CRON' },
  { job: JobName.CheckOverduePublications, cron: 'PUBLICATION_OVERDUE_CRON' },
];

@Injectable()
export class RuleSchedules implements OnApplicationBootstrap {
  private readonly log = new Logger(RuleSchedules.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly config: ConfigService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const tz = this.config.getOrThrow<string>('SCHEDULES_TZ');
    for (const { job, cron } of CHECKS)
      await schedule(
        this.jobs.queue(QueueName.Rules),
        job,
        this.config.getOrThrow<string>(cron),
        tz,
        { name: job, data: {} },
        this.log,
      );
  }
}
