import type { INestApplicationContext } from '@nestjs/common';
import { JobName, JobQueue, QueueName } from '@lianjian/queue';
import {
  eventually,
  inspectionRecord,
  json,
  registrationRecord,
  sql,
  startStack,
  USCC_A,
  type Stack,
  type TestDatabase,
  type TestUser,
} from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';

// Incremental scoring is debounced: a thousand records about one entity re-score it a handful of
// times at most, not a thousand times, and the last score sees every record.
describe('incremental re-scoring, debounced per entity', () => {
  let stack: Stack;
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let base: string;
  let admin: TestUser;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      users: { admin: 'admin' },
      env: { FEED_CHECK_CRON: '', SCORING_CRON: '' },
    });
    ({ db, worker } = stack);
    admin = stack.users.admin;
    base = `${stack.url}/api/v1`;
  });

  afterAll(() => stack?.close());

  it('queues one re-score for a thousand requests about one entity', async () => {
    const jobs = worker.get(JobQueue);
    const queue = jobs.queue(QueueName.Scoring);
    await queue.pause();
    try {
      for (let i = 0; i < 1000; i++) await jobs.scoreEntities(['999999'], 'record');
      const waiting = await queue.getJobs(['delayed', 'waiting']);
      expect(
        waiting.filter((j) => j.name === JobName.ScoreEntity && j.data.entityId === '999999'),
      ).toHaveLength(1);
      await queue.obliterate({ force: true });
    } finally {
      await queue.resume();
    }
  });

  it('re-scores an entity a handful of times for a thousand records in twenty batches, the last score seeing all', async () => {
    const records: unknown[] = [registrationRecord(USCC_A)];
    for (let i = 0; i < 999; i++)
      records.push(inspectionRecord(USCC_A, `I-DEB-${i}`, i % 10 === 0 ? 'fail' : 'pass'));
    const batches: string[] = [];
    for (let b = 0; b < 20; b++) {
      const res = await fetch(`${base}/records`, {
        method: 'POST',
        headers: admin.headers,
        body: JSON.stringify({ source: 'samr-xihu', records: records.slice(b * 50, (b + 1) * 50) }),
      });
      expect(res.status).toBe(202);
      batches.push((await json(res)).batchId);
    }
    const [{ id }] = await eventually(async () => {
      const rows = await sql<{ id: string }>(db.url, `SELECT id::text FROM entity WHERE uscc = $1`, [USCC_A]);
      return rows.length ? rows : undefined;
    });
    // Done when every batch is applied and the entity's latest profile counts all 999 inspections.
    await eventually(async () => {
      const [p] = await sql<{ n: number }>(
        db.url,
        `SELECT (features->>'inspections_36m')::int AS n FROM profile WHERE entity_id = $1`,
        [id],
      );
      return p?.n === 999 ? p : undefined;
    }, 60_000);
    const completed = await worker
      .get(JobQueue)
      .queue(QueueName.Scoring)
      .getJobs(['completed', 'active', 'delayed', 'waiting']);
    const runs = completed.filter((j) => j.name === JobName.ScoreEntity && j.data.entityId === id).length;
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThanOrEqual(5);
  });
});
