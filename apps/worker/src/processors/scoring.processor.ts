import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { ScoringService } from '@lianjian/scoring';
import { JobName, QUEUE_CONCURRENCY, QueueName, type AnyJob } from '@lianjian/queue';

@Processor(QueueName.Scoring, { concurrency: QUEUE_CONCURRENCY[QueueName.Scoring] })
export class ScoringProcessor extends WorkerHost {
  constructor(private readonly scoring: ScoringService) {
    super();
  }

  async process(job: Job): Promise<{ scored: number }> {
    const j = job as unknown as AnyJob;
    switch (j.name) {
      case JobName.ScoreEntity:
        await this.scoring.scoreEntities([j.data.entityId], j.data.trigger);
        return { scored: 1 };
      case JobName.ScoreBatch:
        return { scored: await this.scoring.scoreBatch(j.data.batchId) };
      case JobName.ScoreChunk: {
        const saved = await this.scoring.scoreRange(j.data.fromId, j.data.toId, j.data.trigger);
        return { scored: saved.length };
      }
      default:
        throw new Error(`queue ${QueueName.Scoring} has no handler for job ${job.name}`);
    }
  }
}
