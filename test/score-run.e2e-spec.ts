import { todayInShanghai, type AppProcess } from '@lianjian/common';
import { createDataSource } from '@lianjian/database';
import {
  eventually,
  json,
  sql,
  startStack,
  type Stack,
  type TestDatabase,
  type TestUser,
} from '@lianjian/testing';
// The synthetic province npm run seed writes.
import { seedProvince } from '@lianjian/seed';

// A full scoring run fans out in chunks across two worker processes; one is killed with SIGKILL in
// the middle. BullMQ hands its unfinished chunks to the other worker (stalled-job check, ~30 s), and
// the run still finishes with every entity scored exactly once for that run.
describe('e2e: a full scoring run survives a killed worker', () => {
  let stack: Stack;
  let db: TestDatabase;
  const workers: AppProcess[] = [];
  let base: string;
  // Starting a run needs scoring:manage: an administrator, written before the api process starts.
  let admin: TestUser;

  beforeAll(async () => {
    stack = await startStack({
      departments: false,
      users: { admin: 'admin' },
      prepare: async (db) => {
        const ds = createDataSource(db.url, 4);
        await ds.initialize();
        try {
          await seedProvince(ds, { entities: 16_000, seed: 11, end: todayInShanghai(), years: 2 });
        } finally {
          await ds.destroy();
        }
      },
      env: { FEED_CHECK_CRON: '' },
    });
    db = stack.db;
    admin = stack.users.admin;
    for (let i = 0; i < 2; i++)
      workers.push(stack.spawn('apps/worker/src/main', { WORKER_QUEUES: 'scoring' }));
    await stack.spawnApi('apps/api/src/main');
    base = stack.url;
    // Seeding 16,000 entities and starting three processes: ~60 s on a quiet machine, over 120 s on
    // a busy one.
  }, 300_000);

  afterAll(() => stack?.close());

  it('finishes with every entity scored once, the run summarised', async () => {
    const started = await fetch(`${base}/api/v1/score-runs`, {
      method: 'POST',
      headers: { authorization: admin.headers.authorization },
    });
    expect(started.status).toBe(202);
    const { runId } = await json(started);

    // Kill one worker once the run is under way but not finished.
    const atKill = await eventually(
      async () => {
        const res = await fetch(`${base}/api/v1/score-runs/${runId}`, { headers: admin.headers });
        if (res.status !== 200) return undefined;
        const run = await json(res);
        return run.progress.chunks.done >= 2 ? run : undefined;
      },
      60_000,
      20,
    );
    await workers[0].stop('SIGKILL');
    expect(atKill.progress.chunks.done).toBeLessThan(atKill.progress.chunks.total);

    // When the run does not finish, the failure says where it stood and what the surviving worker
    // printed last, so that a stall can be told from a slow machine.
    let seen: unknown;
    const run = await eventually(
      async () => {
        const r = await json(await fetch(`${base}/api/v1/score-runs/${runId}`, { headers: admin.headers }));
        seen = r;
        return r.status === 'done' ? r : undefined;
      },
      150_000,
      500,
    ).catch((e: Error) => {
      throw new Error(
        `${e.message}\nlast answer: ${JSON.stringify(seen)}\nsurviving worker's output (tail):\n${workers[1].output().slice(-4000)}`,
      );
    });

    const [{ entities }] = await sql<{ entities: number }>(
      db.url,
      `SELECT count(*)::int AS entities FROM entity`,
    );
    expect(run.progress).toMatchObject({
      chunks: { done: run.progress.chunks.total },
      entities: { scored: entities, total: entities },
    });
    const [check] = await sql<{ profiled: number; twice: number; chunksOpen: number; chunkSum: number }>(
      db.url,
      `SELECT (SELECT count(*)::int FROM profile WHERE run_id = $1) AS profiled,
              (SELECT count(*)::int FROM (SELECT entity_id FROM score WHERE run_id = $1 GROUP BY 1 HAVING count(*) > 1) t) AS twice,
              (SELECT count(*)::int FROM score_run_chunk WHERE run_id = $1 AND done_at IS NULL) AS "chunksOpen",
              (SELECT sum(scored)::int FROM score_run_chunk WHERE run_id = $1) AS "chunkSum"`,
      [runId],
    );
    expect(check).toEqual({ profiled: entities, twice: 0, chunksOpen: 0, chunkSum: entities });
    // The summary: the class distribution covers every scored entity; a first run moves nobody.
    const dist = run.summary.classDistribution as Record<string, number>;
    expect(Object.values(dist).reduce((a, b) => a + b, 0)).toBe(entities);
    expect(run.summary).toMatchObject({ movedClass: 0, transitions: {}, topMovers: [] });
  }, 240_000);
});
