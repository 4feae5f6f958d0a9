import { describe, expect, it } from 'vitest';
import { classBands, modelScale, scoreWaterfall } from './score-explain';

const label = (n: string) => ({ zh: n, en: n });

describe('score waterfall (评分构成 adds up)', () => {
  it('goes base → factors (largest first) → floor lift → score, and checks the sum', () => {
    const w = scoreWaterfall({
      score: 65,
      basePoints: 20,
      rawScore: 52.5,
      floorLift: 12.5,
      factors: [
        { name: 'a', label: label('a'), points: 10 },
        { name: 'b', label: label('b'), points: 0 },
        { name: 'c', label: label('c'), points: 25 },
        { name: 'd', label: label('d'), points: -2.5 },
      ],
    });
    expect(w.steps.map((s) => [s.kind, s.name, s.from, s.to])).toEqual([
      ['base', 'base', 0, 20],
      ['factor', 'c', 20, 45],
      ['factor', 'a', 45, 55],
      ['factor', 'd', 55, 52.5],
      ['floor', 'floor', 52.5, 65],
      ['total', 'score', 0, 65],
    ]);
    expect([w.factorSum, w.rangeAdjust, w.sum, w.adds, w.zeroFactors]).toEqual([32.5, 0, 65, true, 1]);
  });

  it('shows what the score range took off a raw score above it', () => {
    const w = scoreWaterfall({
      score: 100,
      basePoints: 30,
      rawScore: 112.25,
      floorLift: 0,
      factors: [{ name: 'a', label: label('a'), points: 82.25 }],
    });
    expect(w.steps.find((s) => s.kind === 'range')).toMatchObject({ from: 112.25, to: 100, points: -12.25 });
    expect([w.sum, w.adds]).toEqual([100, true]);
  });

  it('says so when the figures do not add up', () => {
    const w = scoreWaterfall({
      score: 50,
      basePoints: 20,
      rawScore: 40,
      floorLift: 0,
      factors: [{ name: 'a', label: label('a'), points: 10 }],
    });
    expect(w.adds).toBe(false);
  });
});

describe('class bands', () => {
  it('cuts the score axis at the model’s thresholds', () => {
    const scale = modelScale({ classThresholds: { B: 25, C: 45, D: 65 }, scoreRange: { min: 0, max: 100 } });
    expect(classBands(scale!.thresholds, scale!.range)).toEqual([
      { cls: 'A', from: 0, to: 25 },
      { cls: 'B', from: 25, to: 45 },
      { cls: 'C', from: 45, to: 65 },
      { cls: 'D', from: 65, to: 100 },
    ]);
    expect(modelScale({ classThresholds: { B: '25' } })).toBeUndefined();
    expect(modelScale(null)).toBeUndefined();
  });
});
