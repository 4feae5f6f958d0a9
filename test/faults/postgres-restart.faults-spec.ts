import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { todayInShanghai } from '@lianjian/common';
import { createDataSource, runMigrations } from '@lianjian/database';
import { makeUscc } from '@lianjian/reference';
import { QueueName } from '@lianjian/queue';
import { seedProvince } from '@lianjian/seed';
import { Queue } from 'bullmq';
import {
  createTestUser,
  eventually,
  insertDepartments,
  json,
  listingRecord,
  registrationRecord,
  sql,
  testQueuePrefix,
  type TestUser,
} from '@lianjian/testing';
import {
  counts,
  inspectionsCsv,
  privatePostgres,
  Processes,
  report,
  untilApplying,
  untilBatch,
  untilHealth,
  upload,
  type PrivatePostgres,
} from './support';

// PostgreSQL goes away (an immediate stop of a private cluster: connections cut as in a crash) while a
// file is applied, while webhooks are delivered and while a full scoring run is under way, and comes
// back. The api and the worker are never restarted: they reconnect on their own, /health answers 503
// naming PostgreSQL while it is down and 200 once it is back, and nothing is lost or done twice.
const USCC_PG = makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody: 'PGD00001' });

describe('faults: PostgreSQL restarted under load', () => {
  let pg: PrivatePostgres;
  let dbUrl: string;
  let files: string;
  let procs: Processes;
  let base: string;
  let admin: TestUser;

  beforeAll(async () => {
    pg = await privatePostgres();
    await sql(pg.url(), `CREATE DATABASE lianjian`);
    dbUrl = pg.url('lianjian');
    await runMigrations(dbUrl);
    await insertDepartments(dbUrl);
    admin = await createTestUser(dbUrl, { role: 'admin' });
    files = await mkdtemp(join(tmpdir(), 'lianjian-faults-pgfiles-'));
    procs = new Processes({
      NODE_ENV: 'test',
      DATABASE_URL: dbUrl,
      DATABASE_POOL_SIZE: '5',
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: testQueuePrefix(),
      LOG_LEVEL: 'warn',
      FILE_STORE_DIR: files,
      FEED_CHECK_CRON: '',
      // Lost or failed jobs of batches and score runs are looked for every 2 s (default 15 s).
      SWEEP_AFTER_SECONDS: '4',
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1',
      WEBHOOK_BACKOFF_MS: '200',
      WEBHOOK_BACKOFF_MAX_MS: '2000',
      OUTBOX_POLL_MS: '200',
      OUTBOX_STALE_MS: '3000',
    });
    procs.spawn('apps/worker/src/main');
    base = (await procs.api()).url;
  }, 180_000);

  afterAll(async () => {
    await procs?.stopAll();
    await pg?.remove();
    if (files) await rm(files, { recursive: true, force: true });
  });

  // Down, seen down by /health (and until `whileDown` says so), up again, seen up.
  async function restart(whileDown?: () => Promise<unknown>): Promise<{ down: unknown; up: unknown }> {
    await pg.stop();
    const down = await untilHealth(base, { status: 503, postgresql: 'down' });
    await whileDown?.();
    await pg.start();
    const up = await untilHealth(base, { status: 200, postgresql: 'up' }, 60_000);
    return { down, up };
  }

  it('during ingestion: the file is applied once after the restart', async () => {
    const before = await counts(dbUrl);
    const ROWS = 60_000;
    const up = await upload(base, admin.headers.authorization, inspectionsCsv(ROWS, 'PGING'));
    expect(up.status).toBe(202);
    const { batchId } = await json(up);
    await untilApplying(dbUrl);
    // While PostgreSQL is down a client sending records is told to come back (503, Retry-After), not
    // given a 500; sent again once it is back, they are taken.
    const send = () =>
      fetch(`${base}/api/v1/records`, {
        method: 'POST',
        headers: admin.headers,
        body: JSON.stringify({ source: 'samr-xihu', records: [registrationRecord(USCC_PG)] }),
      });
    let whileDown: { status: number; retryAfter: string | null; body: unknown } | undefined;
    const health = await restart(async () => {
      const r = await send();
      whileDown = {
        status: r.status,
        retryAfter: r.headers.get('retry-after'),
        body: await json(r).catch(() => null),
      };
    });
    const resent = await send();
    const batch = await untilBatch(dbUrl, batchId, 'done', 120_000, () => procs.output());
    const { batchId: resentBatch } = await json(resent);
    await untilBatch(dbUrl, resentBatch, 'done', 60_000, () => procs.output());
    const after = await counts(dbUrl);
    report('PostgreSQL restarted during ingestion', before, after, { health, batch, whileDown });
    expect(whileDown).toMatchObject({
      status: 503,
      retryAfter: expect.stringMatching(/^\d+$/),
      body: { error: { code: 'service_unavailable', message: expect.stringMatching(/数据库.*database/) } },
    });
    expect(resent.status).toBe(202);
    expect(after).toMatchObject({
      records: before.records + ROWS + 1,
      duplicateRecords: 0,
      batches: before.batches + 2,
      batchesDone: before.batchesDone + 2,
    });
  }, 240_000);

  it('during webhook delivery: every delivery is delivered, each recorded once', async () => {
    // Every department of Xihu receives its alerts by webhook; the receiver answers after 300 ms so
    // that deliveries are in flight when PostgreSQL goes away.
    const keys = new Map<string, number>();
    const server: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const key = String(req.headers['idempotency-key']);
        keys.set(key, (keys.get(key) ?? 0) + 1);
        setTimeout(() => res.writeHead(200).end(), 300);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/alerts`;
      const codes = (await sql<{ code: string }>(dbUrl, `SELECT code FROM department`)).map((d) => d.code);
      await sql(dbUrl, `UPDATE department SET webhook_url = $1`, [url]);
      for (const code of codes) {
        const r = await fetch(`${base}/api/v1/departments/${code}/webhook/secret/rotate`, {
          method: 'POST',
          headers: { authorization: admin.headers.authorization },
        });
        expect(r.status).toBe(201);
      }
      const before = await counts(dbUrl);
      const usccs = Array.from({ length: 12 }, (_, i) =>
        makeUscc({
          authority: '9',
          category: '1',
          regionCode: '330106',
          orgBody: `PGW${String(i).padStart(5, '0')}`,
        }),
      );
      const res = await fetch(`${base}/api/v1/records`, {
        method: 'POST',
        headers: admin.headers,
        body: JSON.stringify({
          source: 'samr-xihu',
          records: usccs.flatMap((u, i) => [registrationRecord(u), listingRecord(u, `PGW-L-${i}`)]),
        }),
      });
      expect(res.status).toBe(202);
      // Once the first webhook requests arrive, PostgreSQL goes away.
      await eventually(async () => (keys.size >= 1 ? true : undefined), 60_000, 20);
      const inFlight = await sql<{ status: string; n: number }>(
        dbUrl,
        `SELECT status, count(*)::int AS n FROM delivery GROUP BY 1 ORDER BY 1`,
      );
      const health = await restart();
      let last: unknown;
      const after = await eventually(
        async () => {
          const c = await counts(dbUrl);
          last = c;
          return c.alerts === before.alerts + usccs.length &&
            c.deliveries > before.deliveries &&
            c.deliveriesDone === c.deliveries
            ? c
            : undefined;
        },
        120_000,
        250,
      ).catch((e: Error) => {
        throw new Error(`${e.message}: last ${JSON.stringify(last)}\n${procs.output()}`);
      });
      const webhook = await sql<{ n: number }>(
        dbUrl,
        `SELECT count(*)::int AS n FROM delivery WHERE channel = 'webhook' AND alert_id > $1`,
        [0],
      );
      report('PostgreSQL restarted during webhook delivery', before, after, {
        inFlight,
        health,
        receiverKeys: keys.size,
        receiverRepeats: [...keys.values()].reduce((s, n) => s + n - 1, 0),
      });
      expect(after).toMatchObject({
        alerts: before.alerts + usccs.length,
        duplicateAlerts: 0,
        duplicateDeliveries: 0,
        deliveriesDone: after.deliveries,
      });
      // Every webhook delivery reached the receiver (repeats of a key are allowed: at least once).
      expect(keys.size).toBe(webhook[0].n);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await sql(dbUrl, `UPDATE department SET webhook_url = NULL`);
    }
  }, 240_000);

  it('during a scoring run: the run finishes with every entity scored once', async () => {
    const ds = createDataSource(dbUrl, 4);
    await ds.initialize();
    try {
      await seedProvince(ds, { entities: 8_000, seed: 13, end: todayInShanghai(), years: 2 });
    } finally {
      await ds.destroy();
    }
    const before = await counts(dbUrl);
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
    // PostgreSQL stays down until a chunk job has spent all its attempts (BullMQ keeps it failed):
    // the run must not depend on BullMQ's retries outlasting the outage.
    const scoring = new Queue(QueueName.Scoring, {
      connection: { url: procs.env.REDIS_URL },
      prefix: procs.env.QUEUE_PREFIX,
    });
    let failedForGood = 0;
    const health = await restart(() =>
      eventually(
        async () => ((failedForGood = await scoring.getFailedCount()) > 0 ? true : undefined),
        60_000,
        200,
      ),
    ).finally(() => scoring.close());
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
      throw new Error(`${e.message}: last ${JSON.stringify(seen)}\n${procs.output()}`);
    });
    const [{ entities }] = await sql<{ entities: number }>(
      dbUrl,
      `SELECT count(*)::int AS entities FROM entity`,
    );
    // Every entity profiled by the run once, no entity with two scores of the run (an entity whose
    // inputs did not change keeps its score: no new row), every chunk closed, their counts adding up.
    const [check] = await sql<{ profiled: number; twice: number; chunksOpen: number; chunkSum: number }>(
      dbUrl,
      `SELECT (SELECT count(*)::int FROM profile WHERE run_id = $1) AS profiled,
              (SELECT count(*)::int FROM (SELECT 1 FROM score WHERE run_id = $1 GROUP BY entity_id HAVING count(*) > 1) t) AS twice,
              (SELECT count(*)::int FROM score_run_chunk WHERE run_id = $1 AND done_at IS NULL) AS "chunksOpen",
              (SELECT sum(scored)::int FROM score_run_chunk WHERE run_id = $1) AS "chunkSum"`,
      [runId],
    );
    const after = await counts(dbUrl);
    report('PostgreSQL restarted during a scoring run', before, after, {
      health,
      chunkJobsFailedForGood: failedForGood,
      chunksAtStop: atStop.progress.chunks,
      run: (run as { progress: unknown }).progress,
      check,
    });
    expect(check).toEqual({ profiled: entities, twice: 0, chunksOpen: 0, chunkSum: entities });
    expect(after.duplicateScores).toBe(0);
  }, 360_000);
});
