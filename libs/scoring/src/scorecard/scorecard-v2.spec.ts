import fs from 'node:fs';
import path from 'node:path';
import { parseEnv, baseEnvSchema } from '@lianjian/common';
import { scoreProbability } from './scorecard';
import { loadScorecard } from './scorecard.schema';

// scorecard-v2: the shipped default model since issue 15 (SCORING_MODEL's default) — calibrated,
// classes set by the class-mix policy, with its model card; floors those of scorecard-v1.
const read = (f: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(process.cwd(), 'config/scoring', f), 'utf8'));

describe('config/scoring/scorecard-v2.json (the default model)', () => {
  const v2 = loadScorecard(read('scorecard-v2.json'));
  const v1 = loadScorecard(read('scorecard-v1.json'));

  it('is what a fresh install activates', () => {
    expect(parseEnv(baseEnvSchema, {}).SCORING_MODEL).toBe('scoring/scorecard-v2.json');
    expect(v2.modelVersion).toBe('scorecard-v2');
  });

  it('keeps every floor of scorecard-v1 and uses the issue-15 features', () => {
    expect(v2.floors).toEqual(v1.floors);
    const features = v2.factors.map((f) => f.feature);
    for (const f of ['last_inspection_serious', 'repeat_findings_36m', 'minor_violations_decayed'])
      expect(features).toContain(f);
  });

  it('is calibrated, its cut points are the policy probabilities, and its probability rises with the score', () => {
    const cal = v2.calibration!;
    expect(cal.method).toBe('platt');
    expect(cal.horizonMonths).toBe(12);
    for (const k of ['B', 'C', 'D'] as const)
      expect(scoreProbability(v2, v2.classThresholds[k])).toBeCloseTo(cal.probabilityThresholds[k], 3);
    expect(v2.classThresholds.B).toBeLessThan(v2.classThresholds.C);
    expect(v2.classThresholds.C).toBeLessThan(v2.classThresholds.D);
    expect(scoreProbability(v2, 80)!).toBeGreaterThan(scoreProbability(v2, 20)!);
  });

  it('has a model card with its backtest, reliability table and a training mix within the policy', () => {
    const card = read('cards/scorecard-v2.json') as {
      modelVersion: string;
      evaluations: { dataset: string; auc: number }[];
      calibration: { reliability: unknown[] };
      classes: { trainingMix: Record<'A' | 'B' | 'C' | 'D', number> };
    };
    expect(card.modelVersion).toBe('scorecard-v2');
    expect(card.evaluations.find((e) => e.dataset === 'synthetic')?.auc).toBeGreaterThan(0.7);
    expect(card.calibration.reliability).toHaveLength(10);
    const mix = card.classes.trainingMix;
    expect(mix.A).toBeGreaterThanOrEqual(0.6);
    expect(mix.A).toBeLessThanOrEqual(0.7);
    expect(mix.D).toBeGreaterThanOrEqual(0.01);
    expect(mix.D).toBeLessThanOrEqual(0.03);
  });
});
