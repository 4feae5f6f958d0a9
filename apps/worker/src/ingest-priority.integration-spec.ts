import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { JobQueue, QueueName } from '@lianjian/queue';
import {
  createTestAdmin,
  createTestDatabase,
  eventually,
  inspectionRecord,
  insertDepartments,
  json,
  testEnv,
  USCC_A,
  USCC_B,
  type TestDatabase,
  type TestUser,
} from '@lianjian/testing';
// The API is another app; this test drives it as a client would, so it reaches it by path.
import { createApiApp } from '../../api/src/bootstrap';
import { createWorker } from './bootstrap';

// A finding reported as it happens (a small batch) is applied before a backlog of bulk batches, so
// a joint alert does not wait behind uploads; bulk batches keep their order among themselves.
describe('ingest queue: small batches before bulk', () => {
  let db: TestDatabase;
  let api: NestExpressApplication;
  let worker: INestApplicationContext;
  let base: string;
  let admin: TestUser;

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertDepartments(db.url);
    admin = await createTestAdmin(db.url);
    Object.assign(
      process.env,
      testEnv(db, { FEED_CHECK_CRON: '', SCORING_CRON: '', INGEST_URGENT_MAX_RECORDS: '20' }),
    );
    api = await createApiApp();
    await api.listen(0);
    base = `${await api.getUrl()}/api/v1`;
    worker = await createWorker();
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

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
