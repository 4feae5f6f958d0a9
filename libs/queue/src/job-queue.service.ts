import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { JobsOptions, Queue } from 'bullmq';
import { afterCommit, currentRequestId, currentTransactionScope, withTimeout } from '@lianjian/common';
import { JobName, QUEUE_OF_JOB, QueueName, type JobMeta, type JobPayloads } from './queue-contracts';

const PER_ENTITY_JOBS_UP_TO = 200;
export const RESCORE_DELAY_MS = 1000;
const FULL_RUN_DEDUPLICATION = 'full-score-run';
const DEFERRED_ADD_TIMEOUT_MS = 2000;
const shadowDeduplication = (model: string) => `shadow-score-run:${model}`;

// The one producer of jobs: names and payloads are checked against the queue contracts.
@Injectable()
export class JobQueue {
  private readonly queues: Record<QueueName, Queue>;
  private readonly log = new Logger(JobQueue.name);

  constructor(
    @InjectQueue(QueueName.Ingest) ingest: Queue,
    @InjectQueue(QueueName.Scoring) scoring: Queue,
    @InjectQueue(QueueName.Rules) rules: Queue,
    @InjectQueue(QueueName.Delivery) delivery: Queue,
    @InjectQueue(QueueName.Backtest) backtest: Queue,
  ) {
    this.queues = {
      [QueueName.Ingest]: ingest,
      [QueueName.Scoring]: scoring,
      [QueueName.Rules]: rules,
      [QueueName.Delivery]: delivery,
      [QueueName.Backtest]: backtest,
    };
    // While Redis is unreachable every queue's connection emits an error per retry; without a
    // listener BullMQ prints each one. /health reports Redis down; here it is logged at most once a
    // minute per queue, and producers get the error on their own call.
    for (const [name, queue] of Object.entries(this.queues)) {
      let lastLogged = 0;
      queue.on('error', (e: Error) => {
        if (Date.now() - lastLogged < 60_000) return;
        lastLogged = Date.now();
        this.log.warn(`queue ${name}: Redis unreachable (${e.message})`);
      });
    }
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  // Inside a request transaction (an API write) a job is added once the transaction has committed,
  // so a write that rolls back queues nothing and a worker never looks for rows not yet committed.
  // A deferred add is bounded in time as the callers bound theirs (Redis down would wait forever).
  async add<J extends JobName>(name: J, data: JobPayloads[J], opts?: JobsOptions): Promise<void> {
    // The request id is taken now, in the request's context, not when a deferred add runs.
    const payload = withMeta(data);
    await this.onCommit(() => this.queues[QUEUE_OF_JOB[name]].add(name, payload, opts));
  }

  private async onCommit(add: () => Promise<unknown>): Promise<void> {
    if (!currentTransactionScope()) await add();
    else await afterCommit(() => withTimeout(add(), DEFERRED_ADD_TIMEOUT_MS));
  }

  async addBulk<J extends JobName>(
    name: J,
    jobs: { data: JobPayloads[J]; opts?: JobsOptions }[],
  ): Promise<void> {
    if (!jobs.length) return;
    const bulk = jobs.map((j) => ({ name, data: withMeta(j.data), opts: j.opts }));
    await this.onCommit(() => this.queues[QUEUE_OF_JOB[name]].addBulk(bulk));
  }

  // A full scoring run requested and not yet started by a worker (its start job waiting or active):
  // its run id. Start jobs added by startFullRun share one deduplication id, kept by BullMQ until the
  // job completes or fails; by then the worker has stored the run itself (status running).
  async pendingFullRun(): Promise<string | undefined> {
    const jobId = await this.queues[QueueName.Scoring].getDeduplicationJobId(FULL_RUN_DEDUPLICATION);
    if (!jobId) return undefined;
    const job = await this.queues[QueueName.Scoring].getJob(jobId);
    const runId = (job?.data as JobPayloads[JobName.StartScoreRun] | undefined)?.runId;
    return runId ?? jobId;
  }

  async startFullRun(runId: string): Promise<void> {
    await this.add(
      JobName.StartScoreRun,
      { trigger: 'manual', runId },
      { jobId: `start-run-${runId}`, deduplication: { id: FULL_RUN_DEDUPLICATION } },
    );
  }

  // A shadow run of `model` requested and not yet started by a worker: its run id. One deduplication
  // id per candidate model, as startFullRun's for full runs.
  async pendingShadowRun(model: string): Promise<string | undefined> {
    const jobId = await this.queues[QueueName.Scoring].getDeduplicationJobId(shadowDeduplication(model));
    if (!jobId) return undefined;
    const job = await this.queues[QueueName.Scoring].getJob(jobId);
    const runId = (job?.data as JobPayloads[JobName.StartShadowRun] | undefined)?.runId;
    return runId ?? jobId;
  }

  async startShadowRun(runId: string, shadowModel: string): Promise<void> {
    await this.add(
      JobName.StartShadowRun,
      { runId, shadowModel },
      { jobId: `start-shadow-${runId}`, deduplication: { id: shadowDeduplication(shadowModel) } },
    );
  }

  // Makes sure each job (by its job id) is in its queue: added when Redis no longer has it (restarted
  // empty, flushed), retried when it failed for good (its attempts spent while PostgreSQL was down).
  // A job waiting, running or done is left alone. Returns how many were added or retried.
  async ensureJobs<J extends JobName>(
    name: J,
    jobs: { data: JobPayloads[J]; opts: JobsOptions & { jobId: string } }[],
  ): Promise<number> {
    const queue = this.queues[QUEUE_OF_JOB[name]];
    let n = 0;
    for (const j of jobs) {
      const job = await queue.getJob(j.opts.jobId);
      if (!job) {
        await queue.add(name, j.data, j.opts);
        n++;
      } else if (await job.isFailed()) {
        await job.retry('failed');
        n++;
      }
    }
    return n;
  }

  // Re-score what a batch touched. Few entities (the usual trickle of single records): one job per
  // entity, debounced — at most one running and one waiting per entity however many batches name it
  // (BullMQ deduplication). Many entities (a file): one job that scores them in chunks.
  async rescoreBatch(batchId: string, touchedEntityIds: string[]): Promise<void> {
    if (touchedEntityIds.length <= PER_ENTITY_JOBS_UP_TO)
      await this.scoreEntities(touchedEntityIds, 'record');
    else await this.add(JobName.ScoreBatch, { batchId }, { jobId: `score-batch-${batchId}` });
  }

  // Re-score an entity within seconds, once however many records arrive for it meanwhile: the job
  // waits RESCORE_DELAY_MS, and while it waits every further request for the entity is absorbed into
  // it (it reads the records when it runs); one arriving while it runs leaves exactly one more
  // (BullMQ deduplication, keepLastIfActive), so no record is ever left unscored.
  async scoreEntities(
    entityIds: string[],
    trigger: JobPayloads[JobName.ScoreEntity]['trigger'],
  ): Promise<void> {
    await this.addBulk(
      JobName.ScoreEntity,
      entityIds.map((entityId) => ({
        data: { entityId, trigger },
        opts: {
          delay: RESCORE_DELAY_MS,
          deduplication: { id: `score-entity:${entityId}`, keepLastIfActive: true },
        },
      })),
    );
  }
}

// A job enqueued while serving a request (or another job) carries its request id, so the worker's
// log lines of the job show it (see runInLogContext of @lianjian/common).
function withMeta<D extends object>(data: D): D & JobMeta {
  const requestId = currentRequestId();
  return requestId ? { ...data, requestId } : data;
}
