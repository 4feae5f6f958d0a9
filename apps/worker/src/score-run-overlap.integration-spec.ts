import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { makeUscc } from '@lianjian/reference';
import { JobName, JobQueue, QueueName } from '@lianjian/queue';
import { eventually, sql, startStack, type Stack } from '@lianjian/testing';
import { workerApp } from './bootstrap';

// One full scoring run (全量评分) at a time, in the worker too: the api refuses a second run with 409,
// but a start job can still reach the worker while a run is running (the nightly schedule firing
// during a manual run, a start job delivered again). Such a start is recorded as a run with status
// 'skipped' and the reason (the run that was running), and scores nothing; a start job of the running
// run itself, delivered again, still finds its run. Real BullMQ: the worker serves the scoring queue.
describe('overlapping full scoring runs in the worker', () => {
  let stack: Stack;
  let worker: INestApplicationContext;
  let jobs: JobQueue;
  const running = randomUUID();

  beforeAll(async () => {
    stack = await startStack({
      departments: false,
      worker: workerApp,
      queues: 'scoring',
      // The sweep must not finish the running run behind the test's back.
      env: { FEED_CHECK_CRON: '', SWEEP_AFTER_SECONDS: '86400' },
    });
    worker = stack.worker;
    jobs = worker.get(JobQueue);
    const url = stack.db.url;
    await sql(
      url,
      `INSERT INTO entity (uscc, name, region_code, industry_code, provisional)
       VALUES ($1, '西湖区甲公司', '330106', 'H6210', false), ($2, '西湖区乙公司', '330106', 'H6210', false)`,
      [
        makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody: 'MA2H3K4A' }),
        makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody: 'MA2H3K4B' }),
      ],
    );
    // A run in progress: its chunk is not done, and no job of it is queued (it stays running).
    await sql(
      url,
      `WITH r AS (
         INSERT INTO score_run (id, trigger, as_of, model_version, chunks_total, entities_total)
         SELECT $1, 'manual', current_date, version, 1, 2 FROM scoring_model WHERE active RETURNING id
       )
       INSERT INTO score_run_chunk (run_id, chunk_no, from_id, to_id)
       SELECT r.id, 0, min(e.id), max(e.id) FROM r, entity e GROUP BY r.id`,
      [running],
    );
  }, 60_000);

  afterAll(() => stack?.close());

  const runs = () =>
    sql<{ id: string; trigger: string; status: string; reason: string | null; chunks: number }>(
      stack.db.url,
      `SELECT id::text, trigger, status, skipped_reason AS reason,
              (SELECT count(*)::int FROM score_run_chunk c WHERE c.run_id = r.id) AS chunks
         FROM score_run r ORDER BY started_at, id`,
    );

  it('skips a manual start and a nightly tick queued while a run is running, with the reason', async () => {
    const manual = randomUUID();
    await jobs.startFullRun(manual);
    // The nightly scheduler's tick: no run id, its job id names the run.
    await jobs.add(JobName.StartScoreRun, { trigger: 'nightly' }, { jobId: `nightly-tick-${randomUUID()}` });

    const all = await eventually(async () => {
      const rows = await runs();
      return rows.length === 3 && rows.every((r) => r.status !== 'running' || r.id === running)
        ? rows
        : undefined;
    });
    const others = all.filter((r) => r.id !== running);
    expect(others.map((r) => r.trigger).sort()).toEqual(['manual', 'nightly']);
    for (const r of others) {
      expect(r).toMatchObject({ status: 'skipped', chunks: 0 });
      expect(r.reason).toContain(running);
    }
    expect(all.find((r) => r.id === running)).toMatchObject({ status: 'running', chunks: 1 });
    // Nothing of the skipped runs was queued.
    const chunkJobs = await jobs
      .queue(QueueName.Scoring)
      .getJobs(['waiting', 'active', 'completed', 'delayed']);
    expect(chunkJobs.filter((j) => j.name === JobName.ScoreChunk)).toEqual([]);
  });

  it('lets the running run’s own start job, delivered again, carry on; and starts the next run once it is done', async () => {
    await worker
      .get(JobQueue)
      .add(
        JobName.StartScoreRun,
        { trigger: 'manual', runId: running },
        { jobId: `start-run-${running}-again` },
      );
    await eventually(async () =>
      (await runs()).find((r) => r.id === running && r.status === 'done') ? true : undefined,
    );
    const next = randomUUID();
    await jobs.startFullRun(next);
    const run = await eventually(async () =>
      (await runs()).find((r) => r.id === next && r.status === 'done'),
    );
    expect(run).toMatchObject({ status: 'done', reason: null, chunks: 1 });
  });
});
