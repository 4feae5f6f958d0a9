import type { INestApplicationContext } from '@nestjs/common';
import { QueueName } from '@lianjian/queue';
import {
  json,
  registrationRecord,
  sql,
  startStack,
  USCC_A,
  type Stack,
  type TestUser,
} from '@lianjian/testing';
import { UnrecoverableError, Worker } from 'bullmq';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';
import { untilBatch } from '../faults/support';

// A batch's job that failed for good while its batch could not be marked failed (PostgreSQL down for
// longer than the job's attempts) stays in Redis under the batch's job id for days, so enqueueing the
// batch again is a no-op: the sweep retries such a job, and the batch is applied.
describe('batch sweep: a job that failed for good while PostgreSQL was down', () => {
  let stack: Stack;
  let admin: TestUser;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    stack = await startStack({ api: apiApp, users: { admin: 'admin' }, env: { FEED_CHECK_CRON: '' } });
    admin = stack.users.admin;
  });

  afterAll(async () => {
    await worker?.close();
    await stack?.close();
  });

  it('retries the failed job of a batch still queued', async () => {
    const res = await fetch(`${stack.url}/api/v1/records`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify({ source: 'samr-xihu', records: [registrationRecord(USCC_A)] }),
    });
    expect(res.status).toBe(202);
    const { batchId } = await json(res);
    // What an outage leaves: the job spent (here at once), the batch still queued.
    const connection = { url: stack.env.REDIS_URL };
    let failed!: () => void;
    const done = new Promise<void>((r) => (failed = r));
    const spender = new Worker(
      QueueName.Ingest,
      async () => {
        throw new UnrecoverableError('PostgreSQL unreachable');
      },
      { connection, prefix: stack.env.QUEUE_PREFIX },
    );
    spender.on('failed', () => failed());
    await done;
    await spender.close();
    expect(
      (
        await sql<{ status: string }>(stack.db.url, `SELECT status FROM ingest_batch WHERE id = $1`, [
          batchId,
        ])
      )[0],
    ).toEqual({ status: 'queued' });

    worker = await stack.start(workerApp, { WORKER_QUEUES: 'ingest', SWEEP_AFTER_SECONDS: '1' });
    await untilBatch(stack.db.url, batchId, 'done', 20_000);
  }, 60_000);
});
