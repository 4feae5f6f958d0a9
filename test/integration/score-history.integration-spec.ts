import { addDays, todayInShanghai } from '@lianjian/common';
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { createDataSource, ScoreRunRepository } from '@lianjian/database';
import { JobName, JobQueue, QueueName } from '@lianjian/queue';
import { ScoringService } from '@lianjian/scoring';
import { seedProvince } from '@lianjian/seed';
import { eventually, json, sql, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';
import { compareResponse, scoreHistoryResponse } from '../../apps/api/src/entities/dto/entity.dto';

const conforms = (schema: { safeParse(v: unknown): { error?: { issues: unknown[] } } }, body: unknown) =>
  expect(schema.safeParse(body).error?.issues).toBeUndefined();

// A history that grows only with information (issue 15): a full run writes a new score row for an
// entity only when its score, class, class before floors, floors or model changed, and otherwise
// records that it checked the entity (its profile names the run and the day). Two nightly runs on
// consecutive days with no new record in between: the second writes (almost) nothing, though every
// time-decayed feature moved a day. Score history and "why did it move?" keep answering, and the
// retention of old history keeps class changes. Chunks are driven here (no worker serves scoring).
describe('score history grows only with information', () => {
  let stack: Stack<'admin'>;
  let admin: TestUser;
  let scoring: ScoringService;
  let runs: ScoreRunRepository;
  let entities: number;
  const today = todayInShanghai();
  const yesterday = addDays(today, -1);

  beforeAll(async () => {
    stack = await startStack({
      departments: false,
      users: { admin: 'admin' },
      prepare: async (db) => {
        const ds = createDataSource(db.url, 2);
        await ds.initialize();
        try {
          await seedProvince(ds, { entities: 1500, seed: 11, end: yesterday, years: 3 });
        } finally {
          await ds.destroy();
        }
      },
      api: apiApp,
      worker: workerApp,
      queues: 'rules',
      env: { FEED_CHECK_CRON: '' },
    });
    ({ admin } = stack.users);
    scoring = stack.worker.get(ScoringService);
    runs = stack.worker.get(ScoreRunRepository);
    [{ n: entities }] = await sql<{ n: number }>(stack.db.url, `SELECT count(*)::int AS n FROM entity`);
  }, 120_000);

  afterAll(() => stack?.close());

  const fullRun = async (runId: string, asOf: string) => {
    await scoring.startRun(runId, 'nightly', asOf);
    const chunks = await sql<{ chunkNo: number; fromId: string; toId: string }>(
      stack.db.url,
      `SELECT chunk_no AS "chunkNo", from_id::text AS "fromId", to_id::text AS "toId"
         FROM score_run_chunk WHERE run_id = $1 ORDER BY chunk_no`,
      [runId],
    );
    for (const c of chunks) await scoring.scoreRunChunk({ runId, ...c });
    return (await runs.get(runId))!;
  };
  const keyOf = async (entityId: string) =>
    (
      await sql<{ key: string }>(
        stack.db.url,
        `SELECT coalesce(uscc, ext_scheme || ':' || ext_id) AS key FROM entity WHERE id = $1`,
        [entityId],
      )
    )[0].key;
  const scoreRows = async () =>
    (await sql<{ n: number }>(stack.db.url, `SELECT count(*)::int AS n FROM score`))[0].n;
  const get = async (path: string) => {
    const res = await fetch(`${stack.url}/api/v1${path}`, { headers: admin.headers });
    return { status: res.status, body: await json(res) };
  };

  const RUN_1 = '00000000-0000-4000-8000-0000000000a1';
  const RUN_2 = '00000000-0000-4000-8000-0000000000a2';
  const RUN_3 = '00000000-0000-4000-8000-0000000000a3';

  it('writes no score row the next night when no record came in, and marks every entity checked', async () => {
    const first = await fullRun(RUN_1, yesterday);
    expect(first).toMatchObject({ status: 'done', entitiesScored: entities, scoresChanged: entities });
    expect(await scoreRows()).toBe(entities);

    const second = await fullRun(RUN_2, today);
    expect(second).toMatchObject({ status: 'done', entitiesScored: entities });
    // The decayed features moved a day; the outcome of (almost) every entity did not.
    expect(second.scoresChanged).toBeLessThan(entities * 0.01);
    expect(first.summary).toMatchObject({ scoresWritten: entities, unchanged: 0 });
    expect(second.summary).toMatchObject({
      scoresWritten: second.scoresChanged,
      unchanged: entities - second.scoresChanged,
    });
    expect(await scoreRows()).toBe(entities + second.scoresChanged);
    // Every entity was checked by the second run, as of its day: its profile says so.
    const [checked] = await sql<{ byRun: number; asOf: number }>(
      stack.db.url,
      `SELECT count(*) FILTER (WHERE run_id = $1)::int AS "byRun", count(*) FILTER (WHERE as_of = $2::date)::int AS "asOf"
         FROM profile`,
      [RUN_2, today],
    );
    expect(checked).toEqual({ byRun: entities, asOf: entities });
    // The rows it did write are real changes of the outcome (or of the risk list's order key, the
    // raw score, which moves above the shown score's cap of 100).
    const [unreal] = await sql<{ n: number }>(
      stack.db.url,
      `SELECT count(*)::int AS n FROM score s JOIN score p ON p.entity_id = s.entity_id AND p.run_id = $2
        WHERE s.run_id = $1 AND s.score = p.score AND s.risk_class = p.risk_class
          AND s.class_before_floors = p.class_before_floors AND s.floors::jsonb = p.floors::jsonb
          AND s.model_version = p.model_version
          AND (CASE WHEN s.floor_lift > 0 THEN s.score ELSE s.raw_score END)
            = (CASE WHEN p.floor_lift > 0 THEN p.score ELSE p.raw_score END)`,
      [RUN_2, RUN_1],
    );
    expect(unreal.n).toBe(0);
  });

  it('still answers score history and "why did it move?" for an entity only checked', async () => {
    // An entity the second run only checked: one score (the first run's), its profile of today.
    const [quiet] = await sql<{ id: string; scoreId: string }>(
      stack.db.url,
      `SELECT er.entity_id::text AS id, er.score_id::text AS "scoreId" FROM entity_risk er
         JOIN score s ON s.id = er.score_id WHERE s.run_id = $1 ORDER BY er.entity_id LIMIT 1`,
      [RUN_1],
    );
    const key = encodeURIComponent(await keyOf(quiet.id));
    const history = await get(`/entities/${key}/scores`);
    expect(history.status).toBe(200);
    conforms(scoreHistoryResponse, history.body);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({ id: quiet.scoreId, asOf: yesterday });
    // The profile says when it was last checked; the score, when it last changed.
    const detail = await get(`/entities/${key}`);
    expect(detail.status).toBe(200);
    expect(detail.body.profile.asOf).toBe(today);
    expect(detail.body.score).toMatchObject({ id: quiet.scoreId, asOf: yesterday });
    expect(new Date(detail.body.profile.computedAt).getTime()).toBeGreaterThan(
      new Date(detail.body.score.computedAt).getTime(),
    );
    // One score: nothing moved, nothing to compare.
    expect((await get(`/entities/${key}/scores/compare`)).status).toBe(404);
  });

  it('writes a row for exactly the entity a new record moved', async () => {
    // An A-class entity sharing neither legal representative nor address with anyone is put on the
    // serious-violation list: its floor makes it D; no related party moves with it.
    const [target] = await sql<{ id: string; scoreId: string }>(
      stack.db.url,
      `SELECT er.entity_id::text AS id, er.score_id::text AS "scoreId" FROM entity_risk er JOIN entity e ON e.id = er.entity_id
        WHERE er.risk_class = 'A'
          AND NOT EXISTS (SELECT 1 FROM entity o WHERE o.id <> e.id
                             AND (o.legal_rep_id_number = e.legal_rep_id_number OR o.address = e.address))
        ORDER BY er.entity_id LIMIT 1`,
    );
    await sql(
      stack.db.url,
      `INSERT INTO record (source, source_record_id, kind, entity_id, department_code, occurred_at, data, content_hash, batch_id)
       VALUES ('test', 'HIST-1', 'listing', $1, '330106-SAMR', $2, '{"list": "serious_violation", "action": "added"}', 'h',
               gen_random_uuid())`,
      [target.id, yesterday],
    );
    const before = await scoreRows();
    const third = await fullRun(RUN_3, today);
    expect(third).toMatchObject({ status: 'done', entitiesScored: entities, scoresChanged: 1 });
    expect(third.summary).toMatchObject({
      scoresWritten: 1,
      unchanged: entities - 1,
      movedClass: 1,
      transitions: { 'A→D': 1 },
    });
    const written = await sql<{ entityId: string }>(
      stack.db.url,
      `SELECT entity_id::text AS "entityId" FROM score WHERE run_id = $1`,
      [RUN_3],
    );
    expect(written).toEqual([{ entityId: target.id }]);
    expect(await scoreRows()).toBe(before + 1);

    const key = encodeURIComponent(await keyOf(target.id));
    const history = await get(`/entities/${key}/scores`);
    conforms(scoreHistoryResponse, history.body);
    expect(history.body.items.map((i: { riskClass: string }) => i.riskClass)).toEqual(['D', 'A']);
    expect(history.body.items[1].id).toBe(target.scoreId);
    const why = await get(`/entities/${key}/scores/compare`);
    expect(why.status).toBe(200);
    conforms(compareResponse, why.body);
    expect(why.body.from.id).toBe(target.scoreId);
    expect(why.body.comparison).toMatchObject({ classChanged: true, classBefore: 'A', classAfter: 'D' });
    expect(why.body.comparison.factors[0]).toMatchObject({ name: 'on_serious_violation_list' });
  });

  describe('retention of old score history (SCORE_HISTORY_RETENTION_MONTHS)', () => {
    let retention: INestApplicationContext;

    beforeAll(async () => {
      retention = await stack.start(workerApp, {
        WORKER_QUEUES: 'scoring',
        SCORE_HISTORY_RETENTION_MONTHS: '6',
        SCORING_CRON: '',
      });
    });
    afterAll(() => retention?.close());

    it('schedules the purge on the scoring queue with SCORE_RETENTION_CRON in SCHEDULES_TZ', async () => {
      const scheduler = await retention
        .get(JobQueue)
        .queue(QueueName.Scoring)
        .getJobScheduler(JobName.PurgeScoreHistory);
      expect(scheduler).toMatchObject({ pattern: '20 4 * * *', tz: 'Asia/Shanghai' });
    });

    it('deletes old rows that changed nothing, keeps class changes, the scores before them and current scores', async () => {
      // One entity's history, as years of nightly runs would have left it (oldest first):
      //   first score A (kept: it set the class), then A→A 10 months ago (deleted), A→A 9 months ago
      //   (kept: the score just before a class change), A→B 8 months ago (kept: a class change),
      //   B→B 7 months ago (deleted), B→B a month ago (kept: recent), B→B now (kept: current).
      const [e] = await sql<{ id: string; first: string }>(
        stack.db.url,
        `SELECT er.entity_id::text AS id, er.score_id::text AS first FROM entity_risk er
           JOIN score s ON s.id = er.score_id
          WHERE er.risk_class = 'A' AND s.previous_class IS NULL ORDER BY er.entity_id DESC LIMIT 1`,
      );
      await sql(stack.db.url, `UPDATE score SET computed_at = now() - interval '11 months' WHERE id = $1`, [
        e.first,
      ]);
      const add = async (previous: string, cls: string, age: string) =>
        (
          await sql<{ id: string }>(
            stack.db.url,
            `INSERT INTO score (entity_id, model_version, as_of, score, base_points, raw_score, floor_lift,
                                class_before_floors, risk_class, previous_class, factors, floors, inputs_hash,
                                trigger, computed_at)
             SELECT entity_id, model_version, as_of, score, base_points, raw_score, floor_lift, $2, $2, $3,
                    factors, floors, 'test', 'full-run', now() - $4::interval
               FROM score WHERE id = $1 RETURNING id::text`,
            [e.first, cls, previous, age],
          )
        )[0].id;
      const aa1 = await add('A', 'A', '10 months');
      const aa2 = await add('A', 'A', '9 months');
      const ab = await add('A', 'B', '8 months');
      const bb1 = await add('B', 'B', '7 months');
      const bb2 = await add('B', 'B', '1 month');
      const bb3 = await add('B', 'B', '0 seconds');
      await sql(stack.db.url, `UPDATE entity_risk SET score_id = $2, risk_class = 'B' WHERE entity_id = $1`, [
        e.id,
        bb3,
      ]);
      // Other entities' current scores are old too: kept, being current.
      await sql(stack.db.url, `UPDATE score SET computed_at = now() - interval '2 years' WHERE run_id = $1`, [
        RUN_1,
      ]);
      const total = await scoreRows();

      await retention
        .get(JobQueue)
        .add(JobName.PurgeScoreHistory, {}, { jobId: `purge-test-${randomUUID()}` });
      const audit = await eventually(async () => {
        const [row] = await sql<{ detail: { deleted: number; kept: number; months: number } }>(
          stack.db.url,
          `SELECT detail FROM audit_log WHERE action = 'score.history.purge' AND actor = 'system:retention'`,
        );
        return row;
      });
      expect(audit.detail).toMatchObject({ months: 6, deleted: 2 });
      expect(await scoreRows()).toBe(total - 2);
      const left = await sql<{ id: string }>(
        stack.db.url,
        `SELECT id::text AS id FROM score WHERE entity_id = $1 ORDER BY id`,
        [e.id],
      );
      expect(left.map((r) => r.id)).toEqual([e.first, aa2, ab, bb2, bb3]);
      expect(left.map((r) => r.id)).not.toContain(aa1);
      expect(left.map((r) => r.id)).not.toContain(bb1);
      // Every entity keeps its current score, and every class change is still there.
      const [orphans] = await sql<{ n: number }>(
        stack.db.url,
        `SELECT count(*)::int AS n FROM entity_risk er WHERE NOT EXISTS (SELECT 1 FROM score s WHERE s.id = er.score_id)`,
      );
      expect(orphans.n).toBe(0);

      // "Why did it move?" from A to B still compares the class change with the score before it.
      const key = encodeURIComponent(await keyOf(e.id));
      const why = await get(`/entities/${key}/scores/compare?to=${ab}`);
      expect(why.status).toBe(200);
      expect(why.body.from.id).toBe(aa2);
      expect(why.body.comparison).toMatchObject({ classBefore: 'A', classAfter: 'B' });
      const history = await get(`/entities/${key}/scores`);
      expect(history.body.items.map((i: { id: string }) => i.id)).toEqual([bb3, bb2, ab, aa2, e.first]);

      // A second purge finds nothing more to delete.
      await retention
        .get(JobQueue)
        .add(JobName.PurgeScoreHistory, {}, { jobId: `purge-test-${randomUUID()}` });
      const second = await eventually(async () => {
        const rows = await sql<{ detail: { deleted: number } }>(
          stack.db.url,
          `SELECT detail FROM audit_log WHERE action = 'score.history.purge' ORDER BY seq`,
        );
        return rows.length === 2 ? rows[1] : undefined;
      });
      expect(second.detail).toMatchObject({ deleted: 0 });
      expect(await scoreRows()).toBe(total - 2);
    });
  });
});
