import type { INestApplicationContext } from '@nestjs/common';
import { JobQueue, QueueName } from '@lianjian/queue';
import {
  eventually,
  inspectionRecord,
  json,
  startStack,
  USCC_A,
  USCC_B,
  type Stack,
  type TestUser,
} from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';

// A finding reported as it happens (a small batch) is applied before a backlog of bulk batches, so
// a joint alert does not wait behind uploads; bulk batches keep their order among themselves.
describe('ingest queue: small batches before bulk', () => {
  let stack: Stack;
  let worker: INestApplicationContext;
  let base: string;
  let admin: TestUser;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      users: { admin: 'admin' },
      env: { FEED_CHECK_CRON: '', SCORING_CRON: '', INGEST_URGENT_MAX_RECORDS: '20' },
    });
    worker = stack.worker;
    admin = stack.users.admin;
    base = `${stack.url}/api/v1`;
  });

  afterAll(() => stack?.close());

  const post = async (records: unknown[]) => {
    const res = await fetch(`${base}/records`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify({ source: 'samr-xihu', records }),
    });
    expect(res.status).toBe(202);
    return (await json(res)).batchId as string;
  };

  it('takes a one-record batch ahead of bulk batches queued before it', async () => {
    const queue = worker.get(JobQueue).queue(QueueName.Ingest);
    await queue.pause();
    const bulk: string[] = [];
    for (let b = 0; b < 3; b++)
      bulk.push(await post(Array.from({ length: 25 }, (_, i) => inspectionRecord(USCC_B, `BULK-${b}-${i}`))));
    const urgent = await post([inspectionRecord(USCC_A, 'URGENT-1', 'fail')]);

    // Queued while paused: the small batch waits unprioritised, the bulk ones in the prioritised set.
    const waiting = (await queue.getWaiting()).map((j) => j.data.batchId);
    const prioritized = (await queue.getPrioritized()).map((j) => j.data.batchId);
    expect(waiting).toEqual([urgent]);
    expect(prioritized.sort()).toEqual([...bulk].sort());

    await queue.resume();
    const jobs = await eventually(async () => {
      const done = await queue.getCompleted();
      return done.length === 4 ? done : undefined;
    });
    const startedAt = new Map(jobs.map((j) => [j.data.batchId as string, j.processedOn ?? Infinity]));
    const first = Math.min(...bulk.map((id) => startedAt.get(id) ?? Infinity));
    expect(startedAt.get(urgent)).toBeLessThanOrEqual(first);
  });
});
