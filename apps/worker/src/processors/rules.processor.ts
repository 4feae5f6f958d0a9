import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import {
  CaseOverdueTrigger,
  DeliveryOverdueTrigger,
  PublicationOverdueTrigger,
  RecordTrigger,
  ScoreTrigger,
} from '@lianjian/rules';
import { JobName, QUEUE_CONCURRENCY, QueueName, type AnyJob } from '@lianjian/queue';
import { FeedCheck } from '../feed-check';
import { JobRunner } from './job-runner';

@Processor(QueueName.Rules, { concurrency: QUEUE_CONCURRENCY[QueueName.Rules] })
export class RulesProcessor extends WorkerHost {
  constructor(
    private readonly records: RecordTrigger,
    private readonly scores: ScoreTrigger,
    private readonly feeds: FeedCheck,
    private readonly deliveries: DeliveryOverdueTrigger,
    private readonly cases: CaseOverdueTrigger,
    private readonly publications: PublicationOverdueTrigger,
    private readonly runner: JobRunner,
  ) {
    super();
  }

  process(job: Job): Promise<{ alerts: number }> {
    return this.runner.run(QueueName.Rules, job, () => this.handle(job));
  }

  private async handle(job: Job): Promise<{ alerts: number }> {
    const j = job as unknown as AnyJob;
    switch (j.name) {
      case JobName.EvaluateBatch:
        return { alerts: await this.records.evaluate(j.data.batchId) };
      case JobName.EvaluateScores:
        return { alerts: await this.scores.evaluate(j.data.scores) };
      case JobName.CheckFeeds:
        return { alerts: await this.feeds.run() };
      case JobName.CheckEscalations:
        return { alerts: await this.deliveries.evaluate() };
      case JobName.CheckOverdueCases:
        return { alerts: await this.cases.evaluate() };
      case JobName.CheckOverduePublications:
        return { alerts: await this.publications.evaluate() };
      default:
        throw new Error(`queue ${QueueName.Rules} has no handler for job ${job.name}`);
    }
  }
}
