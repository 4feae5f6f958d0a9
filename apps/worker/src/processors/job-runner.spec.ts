import type { Job } from 'bullmq';
import { logContext } from '@lianjian/common';
import { JobName, QueueName } from '@lianjian/queue';
import { PromMetrics } from '@lianjian/observability';
import { JobRunner } from './job-runner';

const job = (data: unknown, name: string = JobName.IngestBatch) =>
  ({ id: '7', name, data }) as unknown as Job;

describe('JobRunner', () => {
  it('runs a job in the log context of the request that enqueued it, and times it', async () => {
    const metrics = new PromMetrics('worker');
    const runner = new JobRunner(metrics);
    const seen = await runner.run(QueueName.Ingest, job({ batchId: 'b', requestId: 'req-1' }), async () =>
      logContext(),
    );
    expect(seen).toEqual({ requestId: 'req-1', job: 'ingest/ingest-batch/7' });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /lianjian_job_duration_seconds_count\{app="worker",queue="ingest",job="ingest-batch",outcome="completed"\} 1/,
    );
  });

  it('counts a failed attempt and lets the error through; a malformed request id is dropped', async () => {
    const metrics = new PromMetrics('worker');
    const runner = new JobRunner(metrics);
    let seen: unknown;
    await expect(
      runner.run(QueueName.Scoring, job({ requestId: 'a b\n{"x":1}' }, 'no-such-job'), async () => {
        seen = logContext();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    // An unknown job name is one label value, not whatever Redis held.
    expect(seen).toEqual({ requestId: undefined, job: 'scoring/unknown/7' });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/lianjian_job_failures_total\{(?=[^}]*queue="scoring")[^}]*job="unknown"[^}]*\} 1/);
    expect(text).toMatch(/lianjian_job_duration_seconds_count\{[^}]*outcome="failed"\} 1/);
  });

  it('gives a worker event about a job (failed after its retries) the job’s log context', () => {
    const runner = new JobRunner(new PromMetrics('worker'));
    expect(runner.within(QueueName.Ingest, job({ requestId: 'req-2' }), () => logContext())).toEqual({
      requestId: 'req-2',
      job: 'ingest/ingest-batch/7',
    });
    expect(runner.within(QueueName.Ingest, undefined, () => logContext())).toBeUndefined();
  });
});
