import { describe, expect, it } from 'vitest';
import {
  activationBody,
  blockingRun,
  candidateModels,
  classBars,
  flowRows,
  modelCard,
  progressPercent,
  rationaleIn,
  scoreDelta,
  shareOf,
  shouldPoll,
  transitionRows,
  type RunLike,
} from './score-runs';

const run = (status: RunLike['status'], scored: number, total: number): RunLike => ({
  id: 'r1',
  status,
  progress: { chunks: { done: 0, total: 1 }, entities: { scored, total } },
});

describe('score runs', () => {
  it('shows progress by entities scored, never 100 while running', () => {
    expect(progressPercent(run('running', 0, 0))).toBe(0);
    expect(progressPercent(run('running', 250, 1000))).toBe(25);
    expect(progressPercent(run('running', 1000, 1000))).toBe(99);
    expect(progressPercent(run('done', 1000, 1000))).toBe(100);
    expect(progressPercent(run('skipped', 0, 0))).toBe(100);
  });

  it('polls while a run runs or a started run has not appeared', () => {
    expect(shouldPoll([{ id: 'a', status: 'done' }], null)).toBe(false);
    expect(shouldPoll([{ id: 'a', status: 'running' }], null)).toBe(true);
    expect(shouldPoll([{ id: 'a', status: 'done' }], 'b')).toBe(true);
    expect(shouldPoll([{ id: 'b', status: 'done' }], 'b')).toBe(false);
  });

  it('gives every class A–D with its share', () => {
    expect(classBars({ A: 3, D: 1 })).toEqual([
      { cls: 'A', count: 3, share: 0.75 },
      { cls: 'B', count: 0, share: 0 },
      { cls: 'C', count: 0, share: 0 },
      { cls: 'D', count: 1, share: 0.25 },
    ]);
    expect(classBars(null).map((b) => b.share)).toEqual([0, 0, 0, 0]);
  });

  it('orders class moves by count, then name', () => {
    expect(transitionRows({ 'B→C': 2, 'A→B': 2, 'C→D': 5 })).toEqual([
      { from: 'C', to: 'D', count: 5 },
      { from: 'A', to: 'B', count: 2 },
      { from: 'B', to: 'C', count: 2 },
    ]);
    expect(transitionRows(undefined)).toEqual([]);
  });

  it('rounds a mover’s score change, none without a previous score', () => {
    expect(scoreDelta({ score: 70.25, previousScore: 20.1 })).toBe(50.2);
    expect(scoreDelta({ score: 10, previousScore: 30 })).toBe(-20);
    expect(scoreDelta({ score: 10, previousScore: null })).toBeNull();
  });
});

describe('scoring models', () => {
  it('reads a scorecard’s parameters, leaving out what it lacks', () => {
    const card = modelCard({
      name: { zh: '评分卡', en: 'Scorecard' },
      basePoints: 5,
      classThresholds: { B: 25, C: 45, D: 65 },
      scoreRange: { min: 0, max: 100 },
      factors: [
        { feature: 'age_years', points: -0.5, cap: 5, rationale: 'mature' },
        { feature: 'x', points: 2, transform: 'binary' },
      ],
      floors: [{ id: 'list', minClass: 'D', label: { zh: '名单', en: 'list' } }],
    });
    expect(card.basePoints).toBe(5);
    expect(card.thresholds).toEqual([
      { cls: 'B', from: 25 },
      { cls: 'C', from: 45 },
      { cls: 'D', from: 65 },
    ]);
    expect(card.range).toEqual({ min: 0, max: 100 });
    expect(card.factors).toEqual([
      { feature: 'age_years', points: -0.5, transform: 'linear', cap: 5, rationale: 'mature' },
      { feature: 'x', points: 2, transform: 'binary', cap: null, rationale: null },
    ]);
    expect(card.floors).toEqual([{ id: 'list', minClass: 'D', label: { zh: '名单', en: 'list' } }]);
    const bare = modelCard({});
    expect(bare).toMatchObject({
      name: null,
      basePoints: null,
      thresholds: [],
      range: null,
      factors: [],
      floors: [],
    });
  });

  it('shows a bilingual rationale in the reader’s language', () => {
    expect(rationaleIn('拟合系数 β=0.5 / fitted β=0.5', 'zh-CN')).toBe('拟合系数 β=0.5');
    expect(rationaleIn('拟合系数 β=0.5 / fitted β=0.5', 'en-US')).toBe('fitted β=0.5');
    expect(rationaleIn('新设主体缺乏信用记录', 'en-US')).toBe('新设主体缺乏信用记录');
    expect(rationaleIn(null, 'zh-CN')).toBeNull();
  });

  it('names the run a one-at-a-time refusal is about', () => {
    expect(blockingRun([{ runId: 'r1', status: 'running' }])).toBe('r1');
    expect(blockingRun(['a reason'])).toBeNull();
    expect(blockingRun(undefined)).toBeNull();
  });

  it('sends an activation only with a reason', () => {
    expect(activationBody('  backtest passed ')).toEqual({ reason: 'backtest passed' });
    expect(activationBody('   ')).toBeNull();
    expect(activationBody(undefined)).toBeNull();
  });
});

describe('shadow runs', () => {
  it('lays out the class-flow matrix, rows active, columns candidate, with totals and directions', () => {
    const { rows, columns, total } = flowRows({
      A: { A: 50, B: 5, D: 1 },
      B: { A: 3, B: 20 },
      C: { C: 4, D: 2 },
      D: { B: 1, D: 3 },
    });
    expect(rows.map((r) => r.active)).toEqual(['A', 'B', 'C', 'D']);
    expect(rows[0]!.cells).toEqual([
      { shadow: 'A', count: 50, direction: 'same' },
      { shadow: 'B', count: 5, direction: 'higher' },
      { shadow: 'C', count: 0, direction: 'higher' },
      { shadow: 'D', count: 1, direction: 'higher' },
    ]);
    expect(rows[3]!.cells.map((c) => c.direction)).toEqual(['lower', 'lower', 'lower', 'same']);
    expect(rows.map((r) => r.total)).toEqual([56, 23, 6, 4]);
    expect(columns).toEqual({ A: 53, B: 26, C: 4, D: 6 });
    expect(total).toBe(89);
    const empty = flowRows(null);
    expect(empty.total).toBe(0);
    expect(empty.rows.flatMap((r) => r.cells.map((c) => c.count))).toEqual(Array(16).fill(0));
  });

  it('offers every model but the active one as a candidate', () => {
    expect(
      candidateModels([
        { version: 'scorecard-v1.1', active: false },
        { version: 'scorecard-v1', active: true },
        { version: 'scorecard-chicago-fit-1', active: false },
      ]),
    ).toEqual(['scorecard-chicago-fit-1', 'scorecard-v1.1']);
    expect(candidateModels([])).toEqual([]);
  });

  it('gives a share, 0 of nothing', () => {
    expect(shareOf(1, 4)).toBe(0.25);
    expect(shareOf(3, 0)).toBe(0);
  });
});
