import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JobName, JobQueue, QueueName } from '@lianjian/queue';
import { schedule } from './schedule';

// Acknowledgement SLAs are watched on a schedule (one check per tick however many workers run): the
// rules processor hands deliveries past their SLA to the delivery_overdue rules.
@Injectable()
export class EscalationCheck implements OnApplicationBootstrap {
  private readonly log = new Logger(EscalationCheck.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly config: ConfigService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await schedule(
      this.jobs.queue(QueueName.Rules),
      JobName.CheckEscalations,
      this.config.getOrThrow<string>('ESCALATION_CRON'),
      this.config.getOrThrow<string>('FEED_CHECK_TZ'),
      { name: JobName.CheckEscalations, data: {} },
      this.log,
    );
  }
}
