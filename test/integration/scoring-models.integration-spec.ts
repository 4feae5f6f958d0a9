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
  startStack,
  USCC_A,
  type Stack,
  type TestUser,
} from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import {
  scoringModelListResponse,
  scoringModelResponse,
} from '../../apps/api/src/scoring-models/dto/scoring-model-responses';
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
      'scorecard-synthetic-fit-1',
      'scorecard-v1',
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
