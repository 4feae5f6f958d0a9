import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { AlertingService } from '@lianjian/rules';
import { JobName, QUEUE_CONCURRENCY, QueueName, type AnyJob } from '@lianjian/queue';
import { FeedCheck } from '../feed-check';

@Processor(QueueName.Rules, { concurrency: QUEUE_CONCURRENCY[QueueName.Rules] })
export class RulesProcessor extends WorkerHost {
  constructor(
    private readonly alerting: AlertingService,
    private readonly feeds: FeedCheck,
  ) {
    super();
  }

  async process(job: Job): Promise<{ alerts: number }> {
    const j = job as unknown as AnyJob;
    switch (j.name) {
      case JobName.EvaluateBatch:
        return { alerts: await this.alerting.evaluateBatch(j.data.batchId) };
      case JobName.EvaluateScores:
        return { alerts: await this.alerting.evaluateScores(j.data.scores) };
      case JobName.EvaluateScoreChange:
        return { alerts: await this.alerting.evaluateScoreChange(j.data.scoreId) };
      case JobName.CheckFeeds:
        return { alerts: await this.feeds.run() };
      case JobName.CheckEscalations:
        return { alerts: await this.alerting.evaluateOverdue() };
      case JobName.CheckOverdueCases:
        return { alerts: await this.alerting.evaluateCaseOverdue() };
      default:
        throw new Error(`queue ${QueueName.Rules} has no handler for job ${job.name}`);
    }
  }
}
