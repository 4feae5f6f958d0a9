import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { acceptRequestId, runInLogContext } from '@lianjian/common';
import { JobName, type JobMeta, type QueueName } from '@lianjian/queue';
import { PromMetrics } from '@lianjian/observability';

const KNOWN_JOBS = new Set<string>(Object.values(JobName));

// Every job attempt of every processor: its log lines carry the job and the id of the request that
// enqueued it (so do the jobs it enqueues), and its duration and outcome are measured per queue.
@Injectable()
export class JobRunner {
  constructor(private readonly metrics: PromMetrics) {}

  run<T>(queue: QueueName, job: Job, handle: () => Promise<T>): Promise<T> {
    const requestId = acceptRequestId((job.data as JobMeta | undefined)?.requestId);
    const name = KNOWN_JOBS.has(job.name) ? job.name : 'unknown';
    return runInLogContext({ requestId, job: `${queue}/${name}/${job.id ?? '?'}` }, async () => {
      const start = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - start) / 1e9;
      try {
        const result = await handle();
        this.metrics.jobAttempt(queue, name, 'completed', seconds());
        return result;
      } catch (e) {
        this.metrics.jobAttempt(queue, name, 'failed', seconds());
        throw e;
      }
    });
  }
}
