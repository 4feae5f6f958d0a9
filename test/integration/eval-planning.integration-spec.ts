import { jest } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticProvince } from '@lianjian/seed';
import { databaseUrl, runId, testQueuePrefix, withAdmin } from '@lianjian/testing';
import { execute } from '../../apps/cli/src/command';
import { planningCommand } from '../../tools/eval/planning-command';
import { withProcessEnv } from '../../tools/harness';

// npm run eval:planning -- --records FILE --as-of D --horizon-days N: a small seeded province written
// as a file of canonical records, through the product's import into a scratch database dropped
// afterwards; risk-tiered against uniform draws, and separate against joint department plans.
interface PlanningJson {
  eval: string;
  population: number;
  budget: number;
  used: number;
  classes: Record<string, { population: number }>;
  tieredHitRate: number;
  tieredCi: [number, number];
  uniformHitRate: number;
  controlHitRate: number;
  ratio: number;
  joint: {
    departments: Record<string, { budget: number }>;
    departmentInspections: number;
    separateVisits: number;
    jointVisits: number;
    jointVisitsPer100: number;
    savedPer100: number;
  } | null;
}

describe('eval:planning on a file of canonical records', () => {
  const database = `lianjian_t_${runId()}_evalplan`;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lianjian-eval-planning-spec-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints the hit rates and the joint visits, ends with one line of JSON, drops the scratch database', async () => {
    const gen = generateSyntheticProvince({ entities: 600, seed: 11, end: '2025-12-31', years: 3 });
    const lines: string[] = [];
    for (const e of gen.entities()) for (const r of e.records) lines.push(JSON.stringify(r.record));
    const file = join(dir, 'province.ndjson');
    await writeFile(file, `${lines.join('\n')}\n`);

    const out: string[] = [];
    const err: string[] = [];
    const env = {
      DATABASE_URL: databaseUrl(database),
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: testQueuePrefix(),
    };
    // the command prints with console.log, as npm run eval does
    const log = jest.spyOn(console, 'log').mockImplementation((t: string) => void out.push(t));
    const code = await withProcessEnv(env, () =>
      execute(
        planningCommand,
        ['--records', file, '--as-of', '2024-12-31', '--horizon-days', '365', '--draws', '40'],
        { out: (t) => out.push(t), err: (t) => err.push(t) },
      ),
    ).finally(() => log.mockRestore());
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const json = JSON.parse(out.at(-1)!) as PlanningJson;
    expect(json).toMatchObject({ eval: 'planning', asOf: '2024-12-31', horizonDays: 365, draws: 40 });
    expect(json.budget).toBe(Math.round(0.1 * json.population));
    expect(json.used).toBeLessThanOrEqual(json.budget);
    const classes = Object.values(json.classes);
    expect(classes.reduce((s, c) => s + c.population, 0)).toBe(json.population);
    for (const rate of [json.tieredHitRate, json.uniformHitRate, json.controlHitRate]) {
      expect(rate).toBeGreaterThanOrEqual(0);
      expect(rate).toBeLessThanOrEqual(1);
    }
    expect(json.tieredCi[0]).toBeLessThanOrEqual(json.tieredHitRate);
    expect(json.tieredCi[1]).toBeGreaterThanOrEqual(json.tieredHitRate);
    // the seeded province's classes predict its outcomes
    expect(json.ratio).toBeGreaterThan(1);

    // joint inspections: the departments that sent the records, each with its items
    const joint = json.joint!;
    expect(joint).not.toBeNull();
    expect(Object.keys(joint.departments)).toEqual(expect.arrayContaining(['SAMR', 'TAX']));
    const budgets = Object.values(joint.departments);
    expect(joint.departmentInspections).toBe(budgets.reduce((s, d) => s + d.budget, 0));
    expect(joint.separateVisits).toBe(joint.departmentInspections);
    expect(joint.jointVisits).toBeLessThan(joint.separateVisits);
    expect(joint.jointVisitsPer100).toBeLessThan(100);
    expect(joint.savedPer100).toBeGreaterThan(0);

    const text = out.join('\n');
    expect(text).toContain('risk-tiered 分级分类');
    expect(text).toContain('control stratum 对照组');
    expect(text).toContain('joint plan 联合抽查');
    const left = await withAdmin(async (c) => {
      const { rows } = await c.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`${database}\\_%`],
      );
      return rows.map((r) => r.datname);
    });
    expect(left).toEqual([]);
  }, 180_000);
});
