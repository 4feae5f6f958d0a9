import type { INestApplicationContext } from '@nestjs/common';
import { addDays, todayInShanghai } from '@lianjian/common';
import {
  createDataSource,
  ScoreRepository,
  ScoreRunRepository,
  ScoringModelRepository,
} from '@lianjian/database';
import { ScoringService } from '@lianjian/scoring';
import { sql, startStack, type Stack, type TestDatabase } from '@lianjian/testing';
// The synthetic province npm run seed writes.
import { seedProvince } from '@lianjian/seed';
import { workerApp } from './bootstrap';

// A full run's bookkeeping, driven chunk by chunk (no worker serves the scoring queue here): a start
// retried finds its run, a chunk delivered twice counts once, the last chunk writes the summary, and
// a second run reports who moved class.
describe('full scoring runs', () => {
  let stack: Stack;
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let scoring: ScoringService;
  let runs: ScoreRunRepository;

  beforeAll(async () => {
    stack = await startStack({
      departments: false,
      prepare: async (db) => {
        const ds = createDataSource(db.url, 2);
        await ds.initialize();
        try {
          await seedProvince(ds, { entities: 1200, seed: 5, end: todayInShanghai(), years: 2 });
          // Only the product may analyze what the runs write (planner statistics, checked below).
          for (const t of ['score', 'entity_risk', 'profile', 'score_run_flagged'])
            await ds.query(`ALTER TABLE ${t} SET (autovacuum_enabled = false)`);
        } finally {
          await ds.destroy();
        }
      },
      worker: workerApp,
      queues: 'rules',
      env: { FEED_CHECK_CRON: '' },
    });
    ({ db, worker } = stack);
    scoring = worker.get(ScoringService);
    runs = worker.get(ScoreRunRepository);
  }, 60_000);

  afterAll(() => stack?.close());

  // Rows the planner statistics say (pg_class.reltuples, -1 = never analyzed) against rows there are.
  const statistics = async (table: string) => {
    const [r] = await sql<{ est: number; n: number }>(
      db.url,
      `SELECT (SELECT reltuples::float8 FROM pg_class WHERE oid = $1::regclass) AS est,
              (SELECT count(*)::int FROM ${table}) AS n`,
      [table],
    );
    return r;
  };

  const chunksOf = (runId: string) =>
    sql<{ chunkNo: number; fromId: string; toId: string }>(
      db.url,
      `SELECT chunk_no AS "chunkNo", from_id::text AS "fromId", to_id::text AS "toId"
         FROM score_run_chunk WHERE run_id = $1 ORDER BY chunk_no`,
      [runId],
    );

  it('counts a chunk delivered twice once, and summarises the run when its last chunk is saved', async () => {
    const runId = '00000000-0000-4000-8000-000000000001';
    const [{ n: entities }] = await sql<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM entity`);
    expect(await scoring.startRun(runId, 'manual')).toEqual({
      created: true,
      chunks: Math.ceil(entities / 500),
    });
    // The start job retried: the same run, its chunks enqueued again (idempotent job ids), nothing new.
    expect(await scoring.startRun(runId, 'manual')).toEqual({
      created: false,
      chunks: Math.ceil(entities / 500),
    });

    // The run's related-party snapshot is analyzed once written: its chunks look it up per candidate.
    const flagged = await statistics('score_run_flagged');
    expect(flagged.n).toBeGreaterThan(0);
    expect(flagged.est).toBe(flagged.n);

    const [first, ...rest] = await chunksOf(runId);
    const twice = await Promise.all([
      scoring.scoreRunChunk({ runId, ...first }),
      scoring.scoreRunChunk({ runId, ...first }),
    ]);
    expect(twice.sort((a, b) => a - b)).toEqual([0, 500]);
    expect(await runs.get(runId)).toMatchObject({ status: 'running', chunksDone: 1, entitiesScored: 500 });

    for (const c of rest) await scoring.scoreRunChunk({ runId, ...c });
    const run = await runs.get(runId);
    expect(run).toMatchObject({
      status: 'done',
      chunksDone: run!.chunksTotal,
      entitiesScored: entities,
      entitiesTotal: entities,
      scoresChanged: entities,
      modelVersion: 'scorecard-v1',
      summary: { movedClass: 0, transitions: {}, topMovers: [] },
    });
    const dist = (run!.summary as { classDistribution: Record<string, number> }).classDistribution;
    expect(Object.values(dist).reduce((a, b) => a + b, 0)).toBe(entities);
    // The tables the run filled have planner statistics that say so (the next run is planned on them).
    for (const t of ['score', 'entity_risk', 'profile'])
      expect(await statistics(t)).toEqual({ est: entities, n: entities });
    // A chunk of a finished run, delivered late, changes nothing.
    expect(await scoring.scoreRunChunk({ runId, ...rest[0] })).toBe(0);
    expect((await runs.get(runId))!.entitiesScored).toBe(entities);
  });

  it('places an entity among its peers: same industry division, nearest region with 30 of them', async () => {
    const all = await sql<{ id: string; score: number; region: string; industry: string }>(
      db.url,
      `SELECT entity_id::text AS id, score::float8 AS score, region_code AS region, upper(left(industry_code, 3)) AS industry
         FROM entity_risk WHERE industry_code IS NOT NULL`,
    );
    const repo = worker.get(ScoreRepository);
    let checked = 0;
    for (const me of all.filter((_, i) => i % 97 === 0)) {
      // Reference: the first of county, city, province, anywhere with ≥ 30 peers; ties count half.
      const levels = [me.region.slice(0, 6), me.region.slice(0, 4), me.region.slice(0, 2), ''];
      let peers = all;
      let level = 0;
      for (; level < levels.length; level++) {
        peers = all.filter((e) => e.industry === me.industry && e.region.startsWith(levels[level]));
        if (peers.length >= 30) break;
      }
      const lower = peers.filter((e) => e.score < me.score).length;
      const equal = peers.filter((e) => e.score === me.score).length;
      const ctx = await repo.peerContext(me.id);
      expect(ctx).toMatchObject({
        level: ['county', 'city', 'province', 'all'][Math.min(level, 3)],
        industry: me.industry,
        size: peers.length,
      });
      expect(ctx!.percentile).toBeCloseTo((lower + (equal - 1) / 2) / Math.max(1, peers.length - 1), 3);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('reports the entities that moved class in the next run', async () => {
    // A second run on the same data as of the same day changes nothing, whatever the first run's
    // chunk order was: related-party flags come from the run's own snapshot of the records.
    const settle = '00000000-0000-4000-8000-00000000000a';
    await scoring.startRun(settle, 'manual');
    for (const c of await chunksOf(settle)) await scoring.scoreRunChunk({ runId: settle, ...c });
    expect(await runs.get(settle)).toMatchObject({ status: 'done', scoresChanged: 0 });

    // An A-class entity that shares neither its legal representative nor its address is put on the
    // serious-violation list: its floor makes it D.
    const [target] = await sql<{ id: string }>(
      db.url,
      `SELECT er.entity_id::text AS id FROM entity_risk er JOIN entity e ON e.id = er.entity_id
        WHERE er.risk_class = 'A'
          AND NOT EXISTS (SELECT 1 FROM entity o WHERE o.id <> e.id
                             AND (o.legal_rep_id_number = e.legal_rep_id_number OR o.address = e.address))
        ORDER BY er.entity_id LIMIT 1`,
    );
    await sql(
      db.url,
      `INSERT INTO record (source, source_record_id, kind, entity_id, department_code, occurred_at, data, content_hash, batch_id)
       VALUES ('test', 'L-1', 'listing', $1, '330106-SAMR', $2, '{"list": "serious_violation", "action": "added"}', 'h',
               gen_random_uuid())`,
      [target.id, addDays(todayInShanghai(), -1)],
    );
    const runId = '00000000-0000-4000-8000-000000000002';
    await scoring.startRun(runId, 'nightly');
    for (const c of await chunksOf(runId)) await scoring.scoreRunChunk({ runId, ...c });
    const run = await runs.get(runId);
    // Only the target changes: no one shares its legal representative or address.
    expect(run).toMatchObject({ status: 'done', trigger: 'nightly', scoresChanged: 1 });
    const summary = run!.summary as {
      movedClass: number;
      transitions: Record<string, number>;
      topMovers: { entityId: string; from: string; to: string; score: number; previousScore: number }[];
    };
    expect(summary).toMatchObject({
      movedClass: 1,
      transitions: { 'A→D': 1 },
      topMovers: [{ entityId: target.id, from: 'A', to: 'D' }],
    });
    const [{ left }] = await sql<{ left: number }>(
      db.url,
      `SELECT count(*)::int AS left FROM score_run_flagged`,
    );
    expect(left).toBe(0); // snapshots are dropped when their run finishes
    const [mover] = summary.topMovers;
    expect(mover.score).toBeGreaterThan(mover.previousScore);
    expect((await runs.list(10)).map((r) => r.id)).toEqual([
      runId,
      settle,
      '00000000-0000-4000-8000-000000000001',
    ]);
  });

  it('finishes a run with the model it started with, whatever is activated meanwhile', async () => {
    // A new record, so that this run has a score to write.
    await sql(
      db.url,
      `INSERT INTO record (source, source_record_id, kind, entity_id, department_code, occurred_at, data, content_hash, batch_id)
       SELECT 'test', 'L-2', 'listing', min(entity_id), '330106-SAMR', $1, '{"list": "court_defaulter", "action": "added"}',
              'h2', gen_random_uuid()
         FROM entity_risk WHERE risk_class = 'A'`,
      [addDays(todayInShanghai(), -1)],
    );
    const runId = '00000000-0000-4000-8000-000000000003';
    await scoring.startRun(runId, 'manual');
    await worker
      .get(ScoringModelRepository)
      .activate('scorecard-synthetic-fit-1', 'test', 'mid-run activation');
    for (const c of await chunksOf(runId)) await scoring.scoreRunChunk({ runId, ...c });
    expect(await runs.get(runId)).toMatchObject({ status: 'done', modelVersion: 'scorecard-v1' });
    const models = await sql<{ model: string }>(
      db.url,
      `SELECT DISTINCT model_version AS model FROM score WHERE run_id = $1`,
      [runId],
    );
    expect(models).toEqual([{ model: 'scorecard-v1' }]);
    // The next run uses the model active when it starts.
    const next = '00000000-0000-4000-8000-000000000004';
    await scoring.startRun(next, 'manual');
    for (const c of await chunksOf(next)) await scoring.scoreRunChunk({ runId: next, ...c });
    expect(await runs.get(next)).toMatchObject({ status: 'done', modelVersion: 'scorecard-synthetic-fit-1' });
    const [{ n }] = await sql<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM score WHERE run_id = $1 AND model_version = 'scorecard-synthetic-fit-1'`,
      [next],
    );
    const [{ entities }] = await sql<{ entities: number }>(
      db.url,
      `SELECT count(*)::int AS entities FROM entity`,
    );
    expect(n).toBe(entities); // the model is part of a score's outcome: a new model gives every entity a new score
  });

  it('flags related parties as they stood on the run date, from the records', async () => {
    const today = todayInShanghai();
    // Two entities made to share a legal representative (and nothing else with anyone).
    const pair = await sql<{ id: string }>(
      db.url,
      `SELECT id::text AS id FROM entity ORDER BY id DESC LIMIT 2`,
    );
    const [a, b] = pair.map((p) => p.id);
    await sql(
      db.url,
      `UPDATE entity SET legal_rep_id_number = '330106199001010000', address = 'PIT test address ' || id
        WHERE id = ANY($1::bigint[])`,
      [[a, b]],
    );
    await sql(db.url, `DELETE FROM record WHERE entity_id = $1 AND kind IN ('penalty', 'listing')`, [a]);
    // `a` was on the serious-violation list from 30 to 10 days ago.
    await sql(
      db.url,
      `INSERT INTO record (source, source_record_id, kind, entity_id, department_code, occurred_at, data, content_hash, batch_id)
       VALUES ('test', 'PIT-1', 'listing', $1, '330106-SAMR', $2, '{"list": "serious_violation", "action": "added"}', 'p1', gen_random_uuid()),
              ('test', 'PIT-2', 'listing', $1, '330106-SAMR', $3, '{"list": "serious_violation", "action": "removed"}', 'p2', gen_random_uuid())`,
      [a, addDays(today, -30), addDays(today, -10)],
    );
    const related = async (runId: string, asOf: string) => {
      await scoring.startRun(runId, 'manual', asOf);
      const flagged = await sql<{ id: string }>(
        db.url,
        `SELECT entity_id::text AS id FROM score_run_flagged WHERE run_id = $1 AND entity_id = ANY($2::bigint[])`,
        [runId, [a, b]],
      );
      for (const c of await chunksOf(runId)) await scoring.scoreRunChunk({ runId, ...c });
      const [p] = await sql<{ rep: number | null; asOf: string }>(
        db.url,
        `SELECT (features->>'related_legal_rep_flagged')::float8 AS rep, to_char(as_of, 'YYYY-MM-DD') AS "asOf"
           FROM profile WHERE entity_id = $1`,
        [b],
      );
      expect(p.asOf).toBe(asOf);
      return { flagged: flagged.map((f) => f.id), rep: p.rep ?? 0 };
    };
    // Twenty days ago `a` was listed: `b` scores with one flagged related party.
    expect(await related('00000000-0000-4000-8000-000000000005', addDays(today, -20))).toEqual({
      flagged: [a],
      rep: 1,
    });
    // Today it is not (any more), whatever the profiles said before this run.
    expect(await related('00000000-0000-4000-8000-000000000006', today)).toEqual({ flagged: [], rep: 0 });
  });
});
