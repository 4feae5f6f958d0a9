import { addDays, todayInShanghai } from '@lianjian/common';
import { createDataSource, ScoreRunRepository } from '@lianjian/database';
import { JobQueue, QueueName } from '@lianjian/queue';
import { ScoringService } from '@lianjian/scoring';
import { seedProvince } from '@lianjian/seed';
import { eventually, json, sql, startStack, type Stack } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';
import {
  classFlowsResponse,
  scoreRunListResponse,
  scoreRunResponse,
} from '../../apps/api/src/score-runs/dto/score-run-responses';

type Cls = 'A' | 'B' | 'C' | 'D';
const CLASSES: Cls[] = ['A', 'B', 'C', 'D'];

// Shadow scoring (影子评分, issue 15): a candidate model (scorecard-v1.1) scores every entity through
// the worker's queue, its scores kept apart (shadow_score), never the entity's score, no alert; its
// class flows against the active model (scorecard-v1) are the run's summary and
// GET /score-runs/{id}/class-flows. Activating the candidate afterwards and running a full run on
// the same day moves every entity exactly as the shadow run said it would.
describe('shadow runs: a candidate model scored apart and compared with the active one', () => {
  let stack: Stack<'admin' | 'city' | 'staff'>;
  let entities: number;
  const today = todayInShanghai();
  const CITY = '3301'; // 杭州: the city staff member's jurisdiction

  beforeAll(async () => {
    stack = await startStack({
      departments: false,
      users: {
        admin: 'admin',
        city: { role: 'supervision_staff', regionCode: '330100' },
        staff: { role: 'supervision_staff' },
      },
      prepare: async (db) => {
        const ds = createDataSource(db.url, 2);
        await ds.initialize();
        try {
          await seedProvince(ds, { entities: 1200, seed: 23, end: addDays(today, -1), years: 3 });
        } finally {
          await ds.destroy();
        }
      },
      api: apiApp,
      worker: workerApp,
      env: { FEED_CHECK_CRON: '' },
    });
    [{ n: entities }] = await sql<{ n: number }>(stack.db.url, `SELECT count(*)::int AS n FROM entity`);
  }, 120_000);

  afterAll(() => stack?.close());

  const post = (body?: unknown) =>
    fetch(`${stack.url}/api/v1/score-runs`, {
      method: 'POST',
      headers: stack.users.admin.headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const get = async (path: string, who: 'admin' | 'city' | 'staff' = 'admin') => {
    const res = await fetch(`${stack.url}/api/v1${path}`, { headers: stack.users[who].headers });
    return { status: res.status, body: await json(res) };
  };
  const done = (runId: string) =>
    eventually(async () => {
      const r = await get(`/score-runs/${runId}`);
      return r.status === 200 && r.body.status === 'done' ? scoreRunResponse.parse(r.body) : undefined;
    }, 120_000);
  const count = async (table: string) =>
    (await sql<{ n: number }>(stack.db.url, `SELECT count(*)::int AS n FROM ${table}`))[0].n;
  // What a reader would see of the entities' scores: every score row and every current score.
  const entityScores = () =>
    sql<{ id: string; score: number; cls: string; model: string }>(
      stack.db.url,
      `SELECT entity_id::text AS id, score::float8 AS score, risk_class AS cls, model_version AS model
         FROM entity_risk ORDER BY entity_id`,
    );

  let shadowRunId: string;

  it('scores every entity with the active model first (a full run, as before)', async () => {
    const started = await post();
    expect(started.status).toBe(202);
    const body = await json(started);
    expect(body).toEqual({ runId: expect.any(String), status: 'queued' });
    const run = await done(body.runId);
    expect(run).toMatchObject({ kind: 'full', shadowModel: null, modelVersion: 'scorecard-v1' });
    expect(run.summary?.classFlows).toBeUndefined();
    expect(await count('entity_risk')).toBe(entities);
  });

  it('refuses an unknown model, the active model, and a second shadow run of one model', async () => {
    const unknown = await post({ shadowModel: 'scorecard-x' });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.message).toMatch(/scorecard-x.*影子评分/);
    const active = await post({ shadowModel: 'scorecard-v1' });
    expect(active.status).toBe(400);
    expect((await json(active)).error.message).toMatch(/active model.*现行模型/);
    const bad = await post({ shadowModel: 'scorecard-v1.1', extra: 1 });
    expect(bad.status).toBe(400);
    expect(await count('score_run')).toBe(1);
  });

  it('runs scorecard-v1.1 in shadow: scores apart, the entities’ scores, history and alerts untouched', async () => {
    const scoresBefore = await count('score');
    const profilesBefore = await sql(
      stack.db.url,
      `SELECT entity_id, as_of, run_id, computed_at FROM profile ORDER BY entity_id`,
    );
    const currentBefore = await entityScores();
    const alertsBefore = await count('alert');

    const started = await post({ shadowModel: 'scorecard-v1.1' });
    expect(started.status).toBe(202);
    const body = await json(started);
    expect(body).toEqual({ runId: expect.any(String), status: 'queued', shadowModel: 'scorecard-v1.1' });
    shadowRunId = body.runId;
    // One shadow run of a model at a time: queued (or, once a worker took it, running).
    const again = await post({ shadowModel: 'scorecard-v1.1' });
    expect(again.status).toBe(409);
    const refusal = (await json(again)).error;
    expect(refusal.message).toMatch(/shadow run of scorecard-v1\.1.*影子评分/);
    expect(refusal.details).toEqual([
      { runId: shadowRunId, status: expect.stringMatching(/queued|running/) },
    ]);

    const run = await done(shadowRunId);
    expect(run).toMatchObject({
      kind: 'shadow',
      shadowModel: 'scorecard-v1.1',
      modelVersion: 'scorecard-v1.1',
      scoresChanged: 0,
      progress: { entities: { scored: entities, total: entities } },
    });
    // Kept apart: one shadow score per entity, as of the run's day, by the candidate.
    const [rows] = await sql<{ n: number; models: string[]; days: string[] }>(
      stack.db.url,
      `SELECT count(*)::int AS n, array_agg(DISTINCT model_version) AS models,
              array_agg(DISTINCT to_char(as_of, 'YYYY-MM-DD')) AS days
         FROM shadow_score WHERE run_id = $1`,
      [shadowRunId],
    );
    expect(rows).toEqual({ n: entities, models: ['scorecard-v1.1'], days: [run.asOf] });
    // Never the entity's score: no score row, no current score, no profile changed; no alert.
    expect(await count('score')).toBe(scoresBefore);
    expect(await entityScores()).toEqual(currentBefore);
    expect(
      await sql(stack.db.url, `SELECT entity_id, as_of, run_id, computed_at FROM profile ORDER BY entity_id`),
    ).toEqual(profilesBefore);
    expect((await sql(stack.db.url, `SELECT 1 FROM score WHERE run_id = $1`, [shadowRunId])).length).toBe(0);
    const rulesJobs = await stack.worker.get(JobQueue).queue(QueueName.Rules).getJobs();
    expect(
      rulesJobs.filter((j) => j.name === 'evaluate-scores' && j.timestamp >= Date.parse(run.startedAt)),
    ).toEqual([]);
    expect(await count('alert')).toBe(alertsBefore);
    // The entity's own pages show the active score.
    const [one] = await sql<{ key: string; id: string }>(
      stack.db.url,
      `SELECT e.id::text AS id, coalesce(e.uscc, e.ext_scheme || ':' || e.ext_id) AS key FROM entity e
         JOIN shadow_score ss ON ss.entity_id = e.id AND ss.run_id = $1 ORDER BY e.id LIMIT 1`,
      [shadowRunId],
    );
    const detail = await get(`/entities/${encodeURIComponent(one.key)}`);
    expect(detail.status).toBe(200);
    expect(detail.body.score.modelVersion).toBe('scorecard-v1');
    // The run is audited with the candidate it ran.
    const audited = await eventually(async () => {
      const found = await sql<{ detail: { shadowModel?: string; status: number } }>(
        stack.db.url,
        `SELECT detail FROM audit_log WHERE action = 'POST /api/v1/score-runs'
         UNION ALL SELECT detail FROM audit_pending WHERE action = 'POST /api/v1/score-runs'`,
      );
      const of = (status: number) =>
        found.some((f) => f.detail.shadowModel === 'scorecard-v1.1' && f.detail.status === status);
      return of(202) && of(409) ? found : undefined;
    });
    expect(
      audited
        .filter((f) => f.detail.shadowModel === 'scorecard-v1.1')
        .map((f) => f.detail.status)
        .sort(),
    ).toEqual([202, 400, 409]);
    expect(audited.some((f) => f.detail.shadowModel === 'scorecard-x' && f.detail.status === 404)).toBe(true);
  });

  it('gives the class flows: the matrix over the entities compared, as the stored rows say', async () => {
    const run = scoreRunResponse.parse((await get(`/score-runs/${shadowRunId}`)).body);
    const flows = run.summary!.classFlows!;
    expect(flows.shadowModel).toBe('scorecard-v1.1');
    expect(flows.entitiesScored).toBe(entities);
    expect(flows.compared).toBe(entities);
    expect(flows.withoutActiveScore).toBe(0);
    expect(flows.activeModels).toEqual({ 'scorecard-v1': entities });
    // The matrix sums to the entities compared, and is what the stored rows say against entity_risk.
    const cells = CLASSES.flatMap((a) => CLASSES.map((b) => flows.matrix[a][b]));
    expect(cells.reduce((x, y) => x + y, 0)).toBe(flows.compared);
    const recount = await sql<{ from: Cls; to: Cls; n: number }>(
      stack.db.url,
      `SELECT er.risk_class AS "from", ss.risk_class AS "to", count(*)::int AS n
         FROM shadow_score ss JOIN entity_risk er ON er.entity_id = ss.entity_id
        WHERE ss.run_id = $1 GROUP BY 1, 2`,
      [shadowRunId],
    );
    const expected = Object.fromEntries(
      CLASSES.map((a) => [a, Object.fromEntries(CLASSES.map((b) => [b, 0]))]),
    ) as Record<Cls, Record<Cls, number>>;
    for (const r of recount) expected[r.from][r.to] = r.n;
    expect(flows.matrix).toEqual(expected);
    const off = recount.filter((r) => r.from !== r.to);
    expect(flows.changedClass).toBe(off.reduce((n, r) => n + r.n, 0));
    expect(flows.toHigherRisk).toBe(off.filter((r) => r.to > r.from).reduce((n, r) => n + r.n, 0));
    expect(flows.toLowerRisk).toBe(off.filter((r) => r.to < r.from).reduce((n, r) => n + r.n, 0));
    expect(flows.toHigherRisk + flows.toLowerRisk).toBe(flows.changedClass);
    expect(run.summary!.movedClass).toBe(flows.changedClass);
    expect(run.summary!.transitions).toEqual(
      Object.fromEntries(off.map((r) => [`${r.from}→${r.to}`, r.n]).sort(([a], [b]) => (a < b ? -1 : 1))),
    );
    // The candidate's class mix, against the class-mix policy.
    expect(run.summary!.classMix).toMatchObject({ policy: 'class-mix-2026', total: entities });
    expect(run.summary!.classDistribution).toEqual(flows.shadowClassDistribution);
    // The biggest movers: active class and score → the candidate's.
    expect(flows.changedClass).toBeGreaterThan(0); // v1.1's calibrated classes are not v1's
    const movers = run.summary!.topMovers;
    expect(movers.length).toBe(Math.min(10, flows.changedClass));
    const [m] = movers;
    const [stored] = await sql<{ score: number; cls: string; active: number; activeCls: string }>(
      stack.db.url,
      `SELECT ss.score::float8 AS score, ss.risk_class AS cls, er.score::float8 AS active, er.risk_class AS "activeCls"
         FROM shadow_score ss JOIN entity_risk er ON er.entity_id = ss.entity_id
        WHERE ss.run_id = $1 AND ss.entity_id = $2`,
      [shadowRunId, m!.entityId],
    );
    expect(m).toMatchObject({
      from: stored.activeCls,
      to: stored.cls,
      score: stored.score,
      previousScore: stored.active,
    });
    const steps = (x: { from: string; to: string }) => Math.abs(x.to.charCodeAt(0) - x.from.charCodeAt(0));
    for (let i = 1; i < movers.length; i++)
      expect(steps(movers[i - 1]!)).toBeGreaterThanOrEqual(steps(movers[i]!));

    // The dedicated route, for the whole province: the same figures, in its documented shape.
    const all = await get(`/score-runs/${shadowRunId}/class-flows?movers=5`);
    expect(all.status).toBe(200);
    const f = classFlowsResponse.parse(all.body);
    expect(f).toMatchObject({
      runId: shadowRunId,
      shadowModel: 'scorecard-v1.1',
      scope: { regionPrefix: '', rowsKept: true },
      compared: flows.compared,
      matrix: flows.matrix,
      changedClass: flows.changedClass,
      toHigherRisk: flows.toHigherRisk,
    });
    expect(f.movers.map((x) => x.entityId)).toEqual(movers.slice(0, 5).map((x) => x.entityId));
    expect(f.movers[0]).toMatchObject({ activeModel: 'scorecard-v1', shadowClass: m!.to });
    expect(f.classMix).toEqual(run.summary!.classMix);
  });

  it('narrows the class flows and the movers to the caller’s jurisdiction, as the risk list does', async () => {
    const city = await get(`/score-runs/${shadowRunId}/class-flows?movers=100`, 'city');
    expect(city.status).toBe(200);
    const f = classFlowsResponse.parse(city.body);
    expect(f.scope.regionPrefix).toBe(CITY);
    const recount = await sql<{ from: Cls; to: Cls; n: number }>(
      stack.db.url,
      `SELECT er.risk_class AS "from", ss.risk_class AS "to", count(*)::int AS n
         FROM shadow_score ss JOIN entity_risk er ON er.entity_id = ss.entity_id
         JOIN entity e ON e.id = ss.entity_id AND e.region_code LIKE '${CITY}%'
        WHERE ss.run_id = $1 GROUP BY 1, 2`,
      [shadowRunId],
    );
    const inCity = recount.reduce((n, r) => n + r.n, 0);
    expect(inCity).toBeGreaterThan(0);
    expect(inCity).toBeLessThan(entities);
    expect(f.compared).toBe(inCity);
    for (const r of recount) expect(f.matrix[r.from][r.to]).toBe(r.n);
    const regions = await sql<{ id: string; region: string }>(
      stack.db.url,
      `SELECT id::text AS id, region_code AS region FROM entity WHERE id = ANY($1::bigint[])`,
      [f.movers.map((m) => m.entityId)],
    );
    expect(regions.every((r) => r.region.startsWith(CITY))).toBe(true);
    expect(f.movers.length).toBe(Math.min(100, f.changedClass));
    // The run's summary keeps province-wide counts (as every run's), its movers narrowed.
    const run = scoreRunResponse.parse((await get(`/score-runs/${shadowRunId}`, 'city')).body);
    expect(run.summary!.classFlows!.compared).toBe(entities);
    const summaryRegions = await sql<{ region: string }>(
      stack.db.url,
      `SELECT region_code AS region FROM entity WHERE id = ANY($1::bigint[])`,
      [run.summary!.topMovers.map((m) => m.entityId)],
    );
    expect(summaryRegions.every((r) => r.region.startsWith(CITY))).toBe(true);
    // The run list marks the shadow run.
    const list = scoreRunListResponse.parse((await get('/score-runs')).body);
    expect(list.items.map((r) => [r.kind, r.shadowModel])).toEqual([
      ['shadow', 'scorecard-v1.1'],
      ['full', null],
    ]);
    // A full run has no class flows; an unknown run neither.
    expect((await get(`/score-runs/${list.items[1]!.id}/class-flows`)).status).toBe(404);
    expect((await get(`/score-runs/00000000-0000-4000-8000-000000000000/class-flows`)).status).toBe(404);
  });

  it('predicts the activation: the candidate activated and run in full moves every entity so', async () => {
    const shadow = await sql<{ id: string; score: number; cls: string }>(
      stack.db.url,
      `SELECT entity_id::text AS id, score::float8 AS score, risk_class AS cls FROM shadow_score
        WHERE run_id = $1 ORDER BY entity_id`,
      [shadowRunId],
    );
    const flows = scoreRunResponse.parse((await get(`/score-runs/${shadowRunId}`)).body).summary!.classFlows!;
    const activated = await fetch(`${stack.url}/api/v1/scoring-models/scorecard-v1.1/activate`, {
      method: 'POST',
      headers: stack.users.admin.headers,
      body: JSON.stringify({ reason: 'shadow run compared' }),
    });
    expect(activated.status).toBe(200);
    // Now the active model: no longer a candidate for a shadow run.
    expect((await post({ shadowModel: 'scorecard-v1.1' })).status).toBe(400);
    const started = await post();
    expect(started.status).toBe(202);
    const full = await done((await json(started)).runId);
    expect(full.summary!.transitions).toEqual(flows.transitions);
    expect(full.summary!.movedClass).toBe(flows.changedClass);
    const now = await entityScores();
    expect(now.map((r) => ({ id: r.id, score: r.score, cls: r.cls }))).toEqual(shadow);
    expect(new Set(now.map((r) => r.model))).toEqual(new Set(['scorecard-v1.1']));
  });

  it('keeps the rows of the latest shadow run of a model only; an earlier run answers from its summary', async () => {
    const first = await post({ shadowModel: 'scorecard-v1' });
    expect(first.status).toBe(202);
    const one = await done((await json(first)).runId);
    const second = await post({ shadowModel: 'scorecard-v1' });
    expect(second.status).toBe(202);
    const two = await done((await json(second)).runId);
    const kept = await sql<{ run: string; n: number }>(
      stack.db.url,
      `SELECT run_id::text AS run, count(*)::int AS n FROM shadow_score GROUP BY 1 ORDER BY 1`,
    );
    // scorecard-v1.1's run (its model's latest) and scorecard-v1's latest; not v1's first.
    expect(kept.map((k) => k.run).sort()).toEqual([shadowRunId, two.id].sort());
    const earlier = await get(`/score-runs/${one.id}/class-flows`, 'city');
    expect(earlier.status).toBe(200);
    const f = classFlowsResponse.parse(earlier.body);
    expect(f.scope).toEqual({ regionPrefix: '', rowsKept: false });
    expect(f.matrix).toEqual(one.summary!.classFlows!.matrix);
    expect(f.compared).toBe(entities);
    expect(one.summary!.classFlows!.activeModels).toEqual({ 'scorecard-v1.1': entities });
  });

  it('lets full runs and shadow runs of other models start beside a running shadow run', async () => {
    // A shadow run of scorecard-chicago-fit-1 running (as a worker would have stored it).
    const [{ id: running }] = await sql<{ id: string }>(
      stack.db.url,
      `INSERT INTO score_run (id, kind, trigger, as_of, model_version, chunks_total, entities_total)
       VALUES (gen_random_uuid(), 'shadow', 'manual', current_date, 'scorecard-chicago-fit-1', 1, 1)
       RETURNING id::text AS id`,
    );
    const refused = await post({ shadowModel: 'scorecard-chicago-fit-1' });
    expect(refused.status).toBe(409);
    expect((await json(refused)).error.details).toEqual([{ runId: running, status: 'running' }]);
    const other = await post({ shadowModel: 'scorecard-v1' });
    expect(other.status).toBe(202);
    const full = await post();
    expect(full.status).toBe(202);
    expect((await done((await json(full)).runId)).kind).toBe('full');
    expect((await done((await json(other)).runId)).kind).toBe('shadow');
    // Not done: its class flows are not counted yet.
    expect((await get(`/score-runs/${running}/class-flows`)).status).toBe(409);
  });

  it('resumes a shadow run whose chunk jobs were lost as shadow chunks, never as the entities’ scores', async () => {
    // A shadow run stored with its chunks whose jobs Redis lost: the run sweep queues them again, under
    // the shadow chunk's job name; a chunk that reaches the full run's handler is scored in shadow too.
    const runs = stack.worker.get(ScoreRunRepository);
    const scoring = stack.worker.get(ScoringService);
    const runId = '00000000-0000-4000-8000-00000000005e';
    const scoresBefore = await count('score');
    const currentBefore = await entityScores();
    const { created, chunks } = await runs.create({
      id: runId,
      kind: 'shadow',
      trigger: 'manual',
      asOf: today,
      modelVersion: 'scorecard-synthetic-fit-1',
      chunkSize: 500,
      flag: { severePenaltyTypes: ['revoke_license'], longWindowMonths: 36 },
      classPolicy: scoring.models.policy(),
    });
    expect(created).toBe(true);
    expect(chunks.length).toBeGreaterThan(1);
    expect(await scoring.scoreRunChunk({ runId, ...chunks[0]! })).toBe(500);
    expect(await scoring.resumeRuns(0)).toBe(chunks.length - 1);
    const run = await done(runId);
    expect(run).toMatchObject({ kind: 'shadow', scoresChanged: 0 });
    expect(run.summary!.classFlows!.entitiesScored).toBe(entities);
    expect(await count('score')).toBe(scoresBefore);
    expect(await entityScores()).toEqual(currentBefore);
    const jobs = await stack.worker.get(JobQueue).queue(QueueName.Scoring).getJobs();
    expect(jobs.filter((j) => (j.data as { runId?: string }).runId === runId).map((j) => j.name)).toEqual(
      Array(chunks.length - 1).fill('score-shadow-chunk'),
    );
  });
});
