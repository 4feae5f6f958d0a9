import type { DefaultJobOptions } from 'bullmq';
import { QueueName } from './queue-contracts';

// Job options per queue, in one place. Handlers are idempotent, so retries are always safe.
export const QUEUE_JOB_OPTIONS: Record<QueueName, DefaultJobOptions> = {
  [QueueName.Ingest]: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: 3600, count: 10000 },
    removeOnFail: { age: 7 * 86400 },
  },
  [QueueName.Scoring]: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: { age: 600, count: 10000 },
    removeOnFail: { age: 7 * 86400 },
  },
  [QueueName.Rules]: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: { age: 3600, count: 10000 },
    removeOnFail: { age: 7 * 86400 },
  },
  // Webhook outcomes (HTTP errors, timeouts) are recorded in PostgreSQL, which schedules the retries;
  // a job only fails when the worker could not record (e.g. PostgreSQL down). Finished jobs are removed
  // so the relay can queue the same attempt id again when it finds one whose job was lost.
  [QueueName.Delivery]: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: true,
  },
  // A backtest is read-only: one retry if its worker died. Results are kept by the producer's
  // removeOnComplete/removeOnFail (BACKTEST_RESULT_TTL_SECONDS); these are the fallback.
  [QueueName.Backtest]: {
    attempts: 2,
    backoff: { type: 'fixed', delay: 1000 },
    removeOnComplete: { age: 86400 },
    removeOnFail: { age: 86400 },
  },
};

// How many jobs one worker process runs at once per queue.
export const QUEUE_CONCURRENCY: Record<QueueName, number> = {
  [QueueName.Ingest]: 2,
  [QueueName.Scoring]: 4,
  [QueueName.Rules]: 4,
  // Mostly waiting on receivers' HTTP answers.
  [QueueName.Delivery]: 16,
  // Each backtest reads up to 500,000 events: one at a time per worker.
  [QueueName.Backtest]: 1,
};
