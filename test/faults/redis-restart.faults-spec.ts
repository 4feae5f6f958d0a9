import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { todayInShanghai, type AppProcess } from '@lianjian/common';
import { createDataSource } from '@lianjian/database';
import { seedProvince } from '@lianjian/seed';
import { eventually, json, sql, startStack, type Stack, type TestUser } from '@lianjian/testing';
import {
  counts,
  inspectionsCsv,
  privateRedis,
  report,
  untilApplying,
  untilBatch,
  untilHealth,
  upload,
  type PrivateRedis,
} from './support';

// Redis (a private redis-server without persistence) is killed while a file is applied and while a
// full scoring run is under way, and started again empty: every queued job is gone. The api and the
// worker reconnect on their own, /health answers 503 naming Redis while it is down and 200 once it is
// back, and what PostgreSQL holds is finished anyway: the file applied once and its entities scored,
// the run done with every entity scored once.
describe('faults: Redis restarted under load', () => {
  let stack: Stack;
  let admin: TestUser;
  let redis: PrivateRedis;
  let files: string;
  let base: string;

  beforeAll(async () => {
    redis = await privateRedis();
    await redis.start();
    files = await mkdtemp(join(tmpdir(), 'lianjian-faults-redis-'));
    stack = await startStack({
      users: { admin: 'admin' },
      env: {
        REDIS_URL: redis.url,
        FILE_STORE_DIR: files,
        FEED_CHECK_CRON: '',
        // The sweep looks for batches whose job was lost every 2 s (default 30 s, halved).
        SWEEP_AFTER_SECONDS: '4',
      },
      prepare: async (db) => {
        const ds = createDataSource(db.url, 4);
        await ds.initialize();
        try {
          await seedProvince(ds, { entities: 8_000, seed: 17, end: todayInShanghai(), years: 2 });
        } finally {
          await ds.destroy();
        }
      },
    });
    admin = stack.users.admin;
    worker = stack.spawn('apps/worker/src/main');
    await stack.spawnApi('apps/api/src/main');
    base = stack.url;
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    await redis?.kill();
    if (files) await rm(files, { recursive: true, force: true });
  });

  let worker: AppProcess;
  const output = () => `the worker (tail):\n${worker.output().slice(-4000)}`;

  async function restart(): Promise<{ down: unknown; up: unknown }> {
    await redis.kill();
    const down = await untilHealth(base, { status: 503, redis: 'down' });
    await redis.start();
    const up = await untilHealth(base, { status: 200, redis: 'up' }, 60_000);
    return { down, up };
  }

  it('during ingestion: the file is applied once and its entities are scored', async () => {
    const before = await counts(stack.db.url);
    const ROWS = 60_000;
    const up = await upload(base, admin.headers.authorization, inspectionsCsv(ROWS, 'RDING'));
    expect(up.status).toBe(202);
    const { batchId } = await json(up);
    await untilApplying(stack.db.url);
    const health = await restart();
    const batch = await untilBatch(stack.db.url, batchId, 'done', 120_000, output);
    // The file's 500 entities are (re)scored after the file, however Redis fared.
    let unscored: unknown;
    await eventually(
      async () => {
        const [r] = await sql<{ n: number }>(
          stack.db.url,
          `SELECT count(*)::int AS n FROM entity e
            WHERE EXISTS (SELECT 1 FROM record r WHERE r.entity_id = e.id AND r.batch_id = $1)
              AND NOT EXISTS (SELECT 1 FROM score s WHERE s.entity_id = e.id AND s.computed_at >= (SELECT finished_at FROM ingest_batch WHERE id = $1) - interval '1 minute')`,
          [batchId],
        );
        unscored = r.n;
        return r.n === 0 ? true : undefined;
      },
      120_000,
      500,
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${String(unscored)} entities of the file never scored\n${output()}`);
    });
    const after = await counts(stack.db.url);
    report('Redis restarted during ingestion', before, after, { health, batch });
    expect(after).toMatchObject({
      records: before.records + ROWS,
      duplicateRecords: 0,
      batches: before.batches + 1,
      batchesDone: before.batchesDone + 1,
      duplicateScores: 0,
    });
  }, 240_000);

  it('during a scoring run: the run finishes with every entity scored once', async () => {
    const before = await counts(stack.db.url);
    const started = await fetch(`${base}/api/v1/score-runs`, {
      method: 'POST',
      headers: { authorization: admin.headers.authorization },
    });
    expect(started.status).toBe(202);
    const { runId } = await json(started);
    const state = async () =>
      json(await fetch(`${base}/api/v1/score-runs/${runId}`, { headers: admin.headers }));
    const atStop = await eventually(
      async () => {
        const r = await state();
        return r.progress?.chunks?.done >= 1 ? r : undefined;
      },
      120_000,
      20,
    );
    const health = await restart();
    expect(atStop.progress.chunks.done).toBeLessThan(atStop.progress.chunks.total);
    let seen: unknown;
    const run = await eventually(
      async () => {
        seen = await state();
        return (seen as { status?: string }).status === 'done' ? seen : undefined;
      },
      180_000,
      500,
    ).catch((e: Error) => {
      throw new Error(`${e.message}: last ${JSON.stringify(seen)}\n${output()}`);
    });
    const [{ entities }] = await sql<{ entities: number }>(
      stack.db.url,
      `SELECT count(*)::int AS entities FROM entity`,
    );
    const [check] = await sql<{ profiled: number; twice: number; chunksOpen: number; chunkSum: number }>(
      stack.db.url,
      `SELECT (SELECT count(*)::int FROM profile WHERE run_id = $1) AS profiled,
              (SELECT count(*)::int FROM (SELECT 1 FROM score WHERE run_id = $1 GROUP BY entity_id HAVING count(*) > 1) t) AS twice,
              (SELECT count(*)::int FROM score_run_chunk WHERE run_id = $1 AND done_at IS NULL) AS "chunksOpen",
              (SELECT sum(scored)::int FROM score_run_chunk WHERE run_id = $1) AS "chunkSum"`,
      [runId],
    );
    const after = await counts(stack.db.url);
    report('Redis restarted during a scoring run', before, after, {
      health,
      chunksAtStop: atStop.progress.chunks,
      run: (run as { progress: unknown }).progress,
      check,
    });
    expect(check).toEqual({ profiled: entities, twice: 0, chunksOpen: 0, chunkSum: entities });
    expect(after.duplicateScores).toBe(0);
  }, 360_000);
});
