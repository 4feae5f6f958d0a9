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
    const name = jobLabel(job);
    return this.within(queue, job, async () => {
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

  // Runs fn (a worker event handler about the job: failed after its retries…) in the job's log
  // context, so its lines carry the job and its request id too.
  within<T>(queue: QueueName, job: Job | undefined, fn: () => T): T {
    if (!job) return fn();
    const requestId = acceptRequestId((job.data as JobMeta | undefined)?.requestId);
    return runInLogContext({ requestId, job: `${queue}/${jobLabel(job)}/${job.id ?? '?'}` }, fn);
  }
}

const jobLabel = (job: Job): string => (KNOWN_JOBS.has(job.name) ? job.name : 'unknown');
