import { Processor, WorkerHost } from '@nestjs/bullmq';
import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import { ScoringService } from '@lianjian/scoring';
import { JobName, QUEUE_CONCURRENCY, QueueName, type AnyJob } from '@lianjian/queue';
import { JobRunner } from './job-runner';
import { ScoreRetention } from '../score-retention';

@Processor(QueueName.Scoring, { concurrency: QUEUE_CONCURRENCY[QueueName.Scoring] })
export class ScoringProcessor extends WorkerHost {
  constructor(
    private readonly scoring: ScoringService,
    private readonly runner: JobRunner,
    private readonly retention: ScoreRetention,
  ) {
    super();
  }

  process(job: Job): Promise<{ scored: number }> {
    return this.runner.run(QueueName.Scoring, job, () => this.handle(job));
  }

  private async handle(job: Job): Promise<{ scored: number }> {
    const j = job as unknown as AnyJob;
    switch (j.name) {
      case JobName.ScoreEntity:
        await this.scoring.scoreEntities([j.data.entityId], j.data.trigger);
        return { scored: 1 };
      case JobName.ScoreBatch:
        return { scored: await this.scoring.scoreBatch(j.data.batchId) };
      case JobName.ScoreChunk:
        return { scored: await this.scoring.scoreRunChunk(j.data) };
      case JobName.ScoreShadowChunk:
        return { scored: await this.scoring.scoreShadowChunk(j.data) };
      case JobName.StartShadowRun: {
        const asOf = j.data.asOf;
        if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf))
          throw new Error(`start-shadow-run: asOf '${asOf}' is not a YYYY-MM-DD date`);
        const res = await this.scoring.startShadowRun(j.data.runId, j.data.shadowModel, asOf);
        return { scored: 0, ...res, runId: j.data.runId } as { scored: number };
      }
      case JobName.PurgeScoreHistory: {
        const res = await this.retention.purge();
        return { scored: 0, ...res } as { scored: number };
      }
      case JobName.StartScoreRun: {
        // A scheduler tick carries no run id: its job id (one per tick) names the run, so a retried
        // start job finds the run it created.
        const runId = j.data.runId ?? uuidFrom(`score-run:${job.id}`);
        const asOf = j.data.asOf;
        if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf))
          throw new Error(`start-score-run: asOf '${asOf}' is not a YYYY-MM-DD date`);
        const res = await this.scoring.startRun(runId, j.data.trigger, asOf);
        return { scored: 0, ...res, runId } as { scored: number };
      }
      default:
        throw new Error(`queue ${QueueName.Scoring} has no handler for job ${job.name}`);
    }
  }
}

// A stable UUID (version 5 layout) from a name.
function uuidFrom(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
