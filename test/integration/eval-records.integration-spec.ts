import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from '@lianjian/common';
import { databaseUrl, runId, testQueuePrefix, withAdmin } from '@lianjian/testing';
import { CommandError, execute } from '../../apps/cli/src/command';
import { evalCommand, evaluateRecords } from '../../tools/eval/eval-command';
import { fitCommand } from '../../tools/eval/fit-command';
import { readScorecard } from '../../tools/eval/backtest';
import { evalEnvSchema } from '../../tools/eval/data';

// npm run eval -- --records FILE --as-of D --horizon-days N (API.md): a backtest on any NDJSON file of
// canonical records, in a scratch database dropped afterwards. The file below plants its outcome:
// entities with a past penalty and a failed inspection (H, M) score above entities whose only past
// is a passed inspection (L, S); in the horizon H and S have an adverse record, M and L do not.
describe('eval on a file of canonical records (npm run eval -- --records)', () => {
  const AS_OF = '2024-06-30';
  const HORIZON = 180; // (2024-06-30, 2024-12-27]
  let dir: string;
  const database = `lianjian_t_${runId()}_evalrec`;
  const env = parseEnv(evalEnvSchema, {
    DATABASE_URL: databaseUrl(database),
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: testQueuePrefix(),
  });
  const model = readScorecard('config/scoring/scorecard-v1.json');
  const scratchDatabases = () =>
    withAdmin(async (c) => {
      const { rows } = await c.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`${database}\\_%`],
      );
      return rows.map((r) => r.datname);
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lianjian-eval-records-spec-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  let n = 0;
  const rec = (id: string, kind: string, occurredAt: string, data: object, departmentCode = '330106-SAMR') =>
    JSON.stringify({
      sourceRecordId: `R-${++n}`,
      kind,
      entity: { scheme: 'plant', id },
      departmentCode,
      occurredAt,
      [kind]: data,
    });
  const pass = { result: 'pass' };
  const fail = { result: 'fail', violations: { serious: 1 } };
  // The two pasts: identical dates and contents within a group, so the scores tie inside it.
  const riskyPast = (id: string) => [
    rec(id, 'penalty', '2023-09-01', { penaltyTypes: ['fine'], fineAmount: 1000 }),
    rec(id, 'inspection', '2024-03-01', fail),
  ];
  const cleanPast = (id: string) => [rec(id, 'inspection', '2024-03-01', pass)];

  function plantedFile(): { lines: string[]; bad: number[] } {
    const lines: string[] = [];
    const bad: number[] = [];
    const badLine = (text: string) => {
      lines.push(text);
      bad.push(lines.length);
    };
    // H: 10 entities, risky past, adverse in the horizon (8 failed inspections, a penalty, a listing).
    for (let i = 0; i < 10; i++) {
      const id = `H${i}`;
      lines.push(...riskyPast(id));
      if (i === 8) lines.push(rec(id, 'penalty', '2024-09-10', { penaltyTypes: ['warning'] }, '330106-SAMR'));
      else if (i === 9)
        lines.push(rec(id, 'listing', '2024-12-27', { list: 'abnormal_operations', action: 'added' }));
      else lines.push(rec(id, 'inspection', '2024-08-15', fail));
    }
    badLine('{"sourceRecordId": "broken", "kind": "inspection",'); // not JSON
    // M: 4 entities, risky past, nothing adverse in the horizon.
    for (let i = 0; i < 4; i++)
      lines.push(...riskyPast(`M${i}`), rec(`M${i}`, 'inspection', '2024-09-01', pass));
    lines.push(''); // blank: skipped, not a bad line
    // L: 20 entities, clean past, nothing adverse in the horizon — among them the contract's edges: a
    // rectified inspection with a critical finding (not `fail`), a listing removed, a pass on the
    // horizon's last day, and a failure the day after the horizon.
    for (let i = 0; i < 20; i++) {
      const id = `L${i}`;
      lines.push(...cleanPast(id));
      if (i === 0)
        lines.push(rec(id, 'inspection', '2024-10-01', { result: 'rectified', violations: { critical: 1 } }));
      else if (i === 1)
        lines.push(rec(id, 'listing', '2024-10-01', { list: 'abnormal_operations', action: 'removed' }));
      else if (i === 2) lines.push(rec(id, 'inspection', '2024-12-27', pass));
      else if (i === 3)
        lines.push(rec(id, 'inspection', '2024-11-01', pass), rec(id, 'inspection', '2024-12-28', fail));
      else lines.push(rec(id, 'complaint', '2024-07-15', { category: 'hygiene' }));
    }
    badLine(rec('X1', 'inspection', '2024-08-01', { result: 'awful' })); // not in the vocabulary
    badLine(rec('X2', 'audit', '2024-08-01', {})); // no such kind
    badLine(rec('X3', 'inspection', '2024-02-30', pass)); // no such date
    // S: 2 entities, clean past, a failed inspection in the horizon.
    for (let i = 0; i < 2; i++)
      lines.push(...cleanPast(`S${i}`), rec(`S${i}`, 'inspection', '2024-11-20', fail));
    // Not counted: a record only before (one on the as-of day itself), or only after the horizon; a
    // second department, created for the run; a line sent twice (a repeat, not a refusal).
    lines.push(rec('Q0', 'penalty', '2024-01-10', { penaltyTypes: ['warning'] }, 'CITY-X-HEALTH'));
    lines.push(rec('Q1', 'inspection', AS_OF, fail));
    lines.push(rec('Q2', 'inspection', '2024-12-28', fail));
    lines.push(lines[lines.length - 1]);
    badLine(
      JSON.stringify({
        sourceRecordId: 'no-dept',
        kind: 'inspection',
        entity: { scheme: 'plant', id: 'X4' },
        occurredAt: '2024-08-01',
        inspection: pass,
      }),
    );
    return { lines, bad };
  }

  it('scores the planted entities as of the date, labels them by the horizon, counts the bad lines and drops the scratch database', async () => {
    const { lines, bad } = plantedFile();
    const file = join(dir, 'planted.ndjson');
    await writeFile(file, `${lines.join('\n')}\n`);
    const out: string[] = [];
    const res = await evaluateRecords(
      env,
      { file, asOf: AS_OF, horizonDays: HORIZON, keep: false },
      model,
      (line) => out.push(line),
    );

    expect(res.horizonEnd).toBe('2024-12-27');
    expect(res.entities).toBe(36); // H 10 + M 4 + L 20 + S 2
    expect(res.positives).toBe(12); // H 10 + S 2
    // Pairs (positive, negative): H over L 200 right, H vs M 40 tied, S vs L 40 tied, S under M 8
    // wrong: (200 + 20 + 20) / 288 — for the scorecard and for the decayed severity count alike.
    expect(res.auc).toBeCloseTo(240 / 288, 4);
    expect(res.baselineAuc).toBeCloseTo(240 / 288, 4);
    expect(res.baselines[res.baseline].auc).toBeCloseTo(240 / 288, 4);
    expect(res.precisionAt10).toBeGreaterThan(12 / 36); // the top is drawn from H and M (10 of 14)
    expect(res.badLines).toBe(bad.length);
    expect(res.badLineNumbers).toEqual(bad);
    for (const line of bad) expect(out.some((l) => l.includes(`line ${line} refused`))).toBe(true);
    expect(out.find((l) => l.includes(`line ${bad[1]} refused`))).toContain('inspection.result');
    expect(res.duplicates).toBe(1);
    expect(res.lines).toBe(lines.length);
    expect(res.recordsAccepted).toBe(lines.filter((l) => l.trim()).length - bad.length);
    expect(res.departmentsCreated).toBe(2);
    expect(JSON.parse(JSON.stringify(res))).toMatchObject({ auc: res.auc, precisionAt10: res.precisionAt10 });

    expect(res.scratchDatabase.startsWith(`${database}_eval_records_`)).toBe(true);
    expect(await scratchDatabases()).toEqual([]);
  });

  it('stops with a one-line error when no record is usable, and drops the scratch database all the same', async () => {
    const file = join(dir, 'all-bad.ndjson');
    await writeFile(file, 'nonsense\n{"kind": "inspection"}\n');
    const run = evaluateRecords(
      env,
      { file, asOf: AS_OF, horizonDays: HORIZON, keep: false },
      model,
      () => undefined,
    );
    await expect(run).rejects.toThrow(CommandError);
    await expect(run).rejects.toThrow(/no usable record.*文件中没有可用的记录/);
    expect(await scratchDatabases()).toEqual([]);
  });

  describe('on the command line', () => {
    const cli = async (cmd: typeof evalCommand | typeof fitCommand, argv: string[]) => {
      const io = { out: [] as string[], err: [] as string[] };
      const code = await execute(cmd, argv, { out: (t) => io.out.push(t), err: (t) => io.err.push(t) });
      return { code, out: io.out.join('\n'), err: io.err.join('\n') };
    };
    const missing = join(tmpdir(), 'lianjian-no-such-records.ndjson');

    it.each([
      ['eval', evalCommand],
      ['fit', fitCommand],
    ] as const)(
      '%s: a missing file is one line in zh-CN and English, exit 1, no stack',
      async (name, cmd) => {
        const res = await cli(cmd, ['--records', missing, '--as-of', AS_OF, '--horizon-days', '180']);
        expect(res.code).toBe(1);
        expect(res.err).toBe(`${name}: records file not found: ${missing} (未找到记录文件)`);
        expect(res.err).not.toMatch(/\bat /);
      },
    );

    it('an unknown option, a bad date and a bad horizon are answered with the usage, exit 2', async () => {
      const unknown = await cli(evalCommand, [
        '--recrods',
        missing,
        '--as-of',
        AS_OF,
        '--horizon-days',
        '180',
      ]);
      expect(unknown.code).toBe(2);
      expect(unknown.err.split('\n')[0]).toBe('eval: unknown option --recrods');
      expect(unknown.err.split('\n')[1]).toMatch(
        /^usage: npm run eval -- .*--records FILE --as-of YYYY-MM-DD --horizon-days N/,
      );
      const date = await cli(evalCommand, [
        '--records',
        missing,
        '--as-of',
        '2024-13-01',
        '--horizon-days',
        '180',
      ]);
      expect(date.code).toBe(2);
      expect(date.err.split('\n')[0]).toBe(
        "eval: --as-of must be a date YYYY-MM-DD, got '2024-13-01' (评估基准日须为有效日期 YYYY-MM-DD)",
      );
      const horizon = await cli(evalCommand, [
        '--records',
        missing,
        '--as-of',
        AS_OF,
        '--horizon-days',
        '1.5',
      ]);
      expect(horizon.code).toBe(2);
      expect(horizon.err.split('\n')[0]).toMatch(
        /^eval: --horizon-days must be a whole number of days .*观察期天数/,
      );
      for (const r of [unknown, date, horizon]) expect(r.err).not.toMatch(/\bat /);
    });
  });
});
