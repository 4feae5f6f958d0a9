import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { ScoringModelRepository } from '@lianjian/database';
import { ScoringModels } from '@lianjian/scoring';
import {
  eventually,
  json,
  listingRecord,
  registrationRecord,
  sql,
  startStack,
  USCC_A,
  type Stack,
  type TestUser,
} from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import {
  activateResponse,
  modelCardResponse,
  scoringModelListResponse,
  scoringModelResponse,
} from '../../apps/api/src/scoring-models/dto/scoring-model-responses';
import { scoreRunResponse } from '../../apps/api/src/score-runs/dto/score-run-responses';
import { workerApp } from '../../apps/worker/src/bootstrap';

// Scoring models are versioned data: the scorecards of config/scoring are registered on start, one
// is active, and only an explicit activation (who, why) changes which model new scores use.
describe('scoring models: registered, activated explicitly, named by every score', () => {
  let stack: Stack;
  let worker: INestApplicationContext;
  let base: string;
  let admin: TestUser;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      // An administrator (scoring:manage) under the name the activations are recorded by.
      users: { admin: { role: 'admin', username: 'risk-team' } },
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
    return json(res);
  };
  const scores = async (n: number) =>
    eventually(async () => {
      const h = await json(await fetch(`${base}/entities/${USCC_A}/scores`, { headers: admin.headers }));
      return h.items.length >= n ? h.items : undefined;
    });
  const activate = (version: string, body: unknown) =>
    fetch(`${base}/scoring-models/${version}/activate`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify(body),
    });

  it('lists the config models with scorecard-v1 active from the first start', async () => {
    const { items } = await json(await fetch(`${base}/scoring-models`, { headers: admin.headers }));
    expect(items.map((m: { version: string }) => m.version).sort()).toEqual([
      'scorecard-chicago-fit-1',
      'scorecard-chicago-fit-2',
      'scorecard-chicago-fit-3',
      'scorecard-synthetic-fit-1',
      'scorecard-v1',
      'scorecard-v1.1',
      'scorecard-v2',
    ]);
    const v1 = items.find((m: { version: string }) => m.version === 'scorecard-v1');
    expect(v1).toMatchObject({
      active: true,
      source: 'scoring/scorecard-v1.json',
      lastActivation: { activatedBy: 'config' },
    });
    expect(items.filter((m: { active: boolean }) => m.active)).toHaveLength(1);
    const one = await json(
      await fetch(`${base}/scoring-models/scorecard-synthetic-fit-1`, { headers: admin.headers }),
    );
    expect(one.definition.factors.length).toBeGreaterThan(0);
    expect((await fetch(`${base}/scoring-models/nope`, { headers: admin.headers })).status).toBe(404);
  });

  it('scores with the model activated, from the next job on', async () => {
    await post([registrationRecord(USCC_A)]);
    const [first] = await scores(1);
    expect(first.modelVersion).toBe('scorecard-v1');

    expect((await activate('scorecard-synthetic-fit-1', { by: 'risk-team' })).status).toBe(400);
    expect((await activate('scorecard-x', { by: 'risk-team', reason: 'r' })).status).toBe(404);
    const res = await activate('scorecard-synthetic-fit-1', { by: 'risk-team', reason: 'backtest on 2024' });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      version: 'scorecard-synthetic-fit-1',
      active: true,
      previousVersion: 'scorecard-v1',
      changed: true,
      card: null, // the synthetic fit of 2026-11-22 predates model cards
    });
    expect(
      await json(await activate('scorecard-synthetic-fit-1', { by: 'risk-team', reason: 'again' })),
    ).toMatchObject({
      changed: false,
    });

    await post([listingRecord(USCC_A, 'L-M-1')]);
    const [latest] = await scores(2);
    expect(latest.modelVersion).toBe('scorecard-synthetic-fit-1');
    const why = await json(
      await fetch(`${base}/entities/${USCC_A}/scores/compare`, { headers: admin.headers }),
    );
    expect(why.comparison.modelChanged).toBe(true);
    expect(why.explanation.en).toMatch(/model changed from scorecard-v1 to scorecard-synthetic-fit-1/);
    const { items } = await json(await fetch(`${base}/scoring-models`, { headers: admin.headers }));
    expect(items.find((m: { active: boolean }) => m.active)).toMatchObject({
      version: 'scorecard-synthetic-fit-1',
      lastActivation: {
        activatedBy: 'risk-team',
        reason: 'backtest on 2024',
        previousVersion: 'scorecard-v1',
      },
    });
  });

  it('gives each model its activation history, newest first, in the documented shape', async () => {
    const model = async (version: string) => {
      const res = await fetch(`${base}/scoring-models/${version}`, { headers: admin.headers });
      expect(res.status).toBe(200);
      return scoringModelResponse.parse(await json(res));
    };
    // Back to scorecard-v1: its history has the activation from config, the one that replaced it
    // and this one; the synthetic model's has the two it took part in.
    const res = await activate('scorecard-v1', { reason: 'synthetic fit over-flags new entities' });
    expect(res.status).toBe(200);
    const v1 = await model('scorecard-v1');
    expect(v1.active).toBe(true);
    expect(v1.activations.map((a) => [a.version, a.previousVersion, a.activatedBy, a.reason])).toEqual([
      ['scorecard-v1', 'scorecard-synthetic-fit-1', 'risk-team', 'synthetic fit over-flags new entities'],
      ['scorecard-synthetic-fit-1', 'scorecard-v1', 'risk-team', 'backtest on 2024'],
      ['scorecard-v1', null, 'config', expect.any(String)],
    ]);
    const fit = await model('scorecard-synthetic-fit-1');
    expect(fit.active).toBe(false);
    expect(fit.activations.map((a) => a.reason)).toEqual([
      'synthetic fit over-flags new entities',
      'backtest on 2024',
    ]);
    expect((await model('scorecard-chicago-fit-1')).activations).toEqual([]);
    const list = scoringModelListResponse.parse(
      await json(await fetch(`${base}/scoring-models`, { headers: admin.headers })),
    );
    expect(list.items.filter((m) => m.active).map((m) => m.version)).toEqual(['scorecard-v1']);
  });

  // 模型说明书: a card per version, served with the model routes' access rule, and the answer to an
  // activation; the shipped model has one.
  it('serves the model card of a version and answers an activation with it', async () => {
    const card = async (version: string, headers = admin.headers) =>
      fetch(`${base}/scoring-models/${version}/card`, { headers });
    const v1 = await card('scorecard-v1');
    expect(v1.status).toBe(200);
    const v1Card = modelCardResponse.parse(await json(v1));
    expect(v1Card.modelVersion).toBe('scorecard-v1');
    expect(v1Card.training).toBeNull(); // points set by hand
    expect(v1Card.evaluations.map((e) => e.dataset).sort()).toEqual(['chicago', 'synthetic']);
    expect(v1Card.topFactors.length).toBeGreaterThan(0);
    // unknown version, and a version without a card: 404; no session: 401
    expect((await card('scorecard-x')).status).toBe(404);
    expect((await card('scorecard-chicago-fit-1')).status).toBe(404);
    expect((await card('scorecard-v1', {} as Record<string, string>)).status).toBe(401);

    const res = await activate('scorecard-v1.1', { reason: 'calibrated classes: D within 1–3%' });
    expect(res.status).toBe(200);
    const body = activateResponse.parse(await json(res));
    expect(body).toMatchObject({ version: 'scorecard-v1.1', changed: true });
    expect(body.card?.modelVersion).toBe('scorecard-v1.1');
    expect(body.card?.calibration?.method).toBe('platt');
    expect(body.card?.classes.policy).toBe('class-mix-2026');
    expect(body.card?.classes.probabilityThresholds?.D).toBeGreaterThan(
      body.card!.classes.probabilityThresholds!.C,
    );
    const one = scoringModelResponse.parse(
      await json(await fetch(`${base}/scoring-models/scorecard-v1.1`, { headers: admin.headers })),
    );
    expect(one.card).toEqual(body.card);
    // back to scorecard-v1 for the tests after this one
    expect((await activate('scorecard-v1', { reason: 'back' })).status).toBe(200);
  });

  // Every full run reports its class mix against the policy it started with; one entity is 100% of one
  // class, far outside every band: the model's mix is flagged as drifting.
  it('reports the class mix of a full run and flags a drift beyond the policy', async () => {
    const started = await fetch(`${base}/score-runs`, { method: 'POST', headers: admin.headers });
    expect(started.status).toBe(202);
    const { runId } = await json(started);
    const run = await eventually(async () => {
      const res = await fetch(`${base}/score-runs/${runId}`, { headers: admin.headers });
      if (res.status !== 200) return undefined;
      const r = scoreRunResponse.parse(await json(res));
      return r.status === 'done' ? r : undefined;
    });
    const mix = run.summary?.classMix;
    expect(mix).toMatchObject({ policy: 'class-mix-2026', total: 1, flagged: true });
    const only = Object.entries(mix!.counts).find(([, n]) => n === 1)![0];
    expect(mix!.shares[only as 'A']).toBe(1);
    expect(mix!.drift.map((d) => d.riskClass).sort()).toEqual(['A', 'B', 'C', 'D']);
    expect(mix!.bands.D).toEqual({ target: 0.02, min: 0.01, max: 0.03 });
    // The risk list's order key is written with the score: the raw score, or the lifted score.
    const rows = await sql<{ rank: number; raw: number; lift: number; score: number }>(
      stack.db.url,
      `SELECT er.rank_score::float8 AS rank, s.raw_score::float8 AS raw, s.floor_lift::float8 AS lift,
              s.score::float8 AS score
         FROM entity_risk er JOIN score s ON s.id = er.score_id`,
    );
    expect(rows.length).toBe(1);
    for (const r of rows) expect(r.rank).toBe(r.lift > 0 ? r.score : r.raw);
  });

  it('refuses to start on a broken class-mix policy or a model card of no model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lianjian-config-'));
    const config = {
      getOrThrow: (k: string) => ({ CONFIG_DIR: dir, SCORING_MODEL: 'scoring/scorecard-v1.json' })[k],
    };
    const models = () =>
      new ScoringModels(worker.get(ScoringModelRepository), config as unknown as ConfigService);
    try {
      cpSync('config', dir, { recursive: true });
      const policyFile = join(dir, 'scoring', 'policy', 'class-mix.json');
      const policy = JSON.parse(readFileSync(policyFile, 'utf8'));
      writeFileSync(
        policyFile,
        JSON.stringify({
          ...policy,
          classes: { ...policy.classes, D: { target: 0.2, min: 0.01, max: 0.03 } },
        }),
      );
      await expect(models().onModuleInit()).rejects.toThrow(
        /config\/scoring\/policy\/class-mix.json: Invalid class-mix policy: classes.D: must have min ≤ target ≤ max/,
      );
      writeFileSync(policyFile, JSON.stringify(policy));
      const cardFile = join(dir, 'scoring', 'cards', 'scorecard-v9.json');
      writeFileSync(
        cardFile,
        JSON.stringify({
          ...JSON.parse(readFileSync(join(dir, 'scoring', 'cards', 'scorecard-v1.json'), 'utf8')),
          modelVersion: 'scorecard-v9',
        }),
      );
      await expect(models().onModuleInit()).rejects.toThrow(
        /no scorecard of config\/scoring is model version scorecard-v9/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a model file edited under a version already stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lianjian-config-'));
    try {
      cpSync('config', dir, { recursive: true });
      const file = join(dir, 'scoring', 'scorecard-v1.json');
      const card = JSON.parse(readFileSync(file, 'utf8'));
      card.basePoints += 1;
      writeFileSync(file, JSON.stringify(card));
      const config = {
        getOrThrow: (k: string) => ({ CONFIG_DIR: dir, SCORING_MODEL: 'scoring/scorecard-v1.json' })[k],
      };
      const models = new ScoringModels(
        worker.get(ScoringModelRepository),
        config as unknown as ConfigService,
      );
      await expect(models.onModuleInit()).rejects.toThrow(
        /scorecard-v1 in config\/scoring differ from the stored definition/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
