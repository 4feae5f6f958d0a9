import fs from 'node:fs';
import path from 'node:path';
import { loadScorecard } from '../scorecard/scorecard.schema';
import { scoreProfile } from '../scorecard/scorecard';
import { fitLogistic, predictLogit } from './logistic';
import {
  choosePdo,
  defaultTransform,
  designFactors,
  designRow,
  expectedSign,
  fittedScorecard,
  transformed,
} from './scorecard-fit';

const v1 = loadScorecard(
  JSON.parse(fs.readFileSync(path.join(process.cwd(), 'config/scoring/scorecard-v1.json'), 'utf8')),
);

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Profiles with a few features of each transform, one constant, one with a long tail to clip, and an
// outcome that depends on them.
function profiles(n: number, seed: number): { features: Record<string, number>; label: 0 | 1 }[] {
  const r = rng(seed);
  const out: { features: Record<string, number>; label: 0 | 1 }[] = [];
  for (let i = 0; i < n; i++) {
    const failed = r() < 0.2 ? 1 : 0;
    const complaints = r() < 0.3 ? Math.floor(-Math.log(1 - r()) * 3) + (r() < 0.002 ? 200 : 0) : 0;
    const age = 20 * r();
    const days = Math.floor(1095 * r());
    const eta = -2 + 1.2 * failed + 0.5 * Math.log1p(Math.min(complaints, 12)) - 0.05 * age + 0.0008 * days;
    out.push({
      features: {
        last_inspection_failed: failed,
        complaints_12m: complaints,
        age_years: age,
        days_since_last_inspection: days,
        on_serious_violation_list: 0,
      },
      label: r() < 1 / (1 + Math.exp(-eta)) ? 1 : 0,
    });
  }
  return out;
}

describe('designFactors', () => {
  const data = profiles(5000, 1);
  const rows = data.map((d) => d.features);

  it('picks each feature’s transform, clips long tails, drops what does not vary', () => {
    expect(defaultTransform('last_inspection_failed')).toBe('binary');
    expect(defaultTransform('age_years')).toBe('linear');
    expect(defaultTransform('complaints_12m')).toBe('log1p');
    // adverse signals may only add points; age, size and inspection frequency may go either way
    expect(expectedSign('on_court_defaulter_list')).toBe(1);
    expect(expectedSign('penalties_12m')).toBe(1);
    expect(expectedSign('age_years')).toBe(0);
    expect(expectedSign('inspections_36m')).toBe(0);
    const { designs, dropped } = designFactors(rows, Object.keys(rows[0]));
    expect(dropped).toEqual([
      { feature: 'on_serious_violation_list', reason: 'constant (0) in the training cases' },
    ]);
    const byName = Object.fromEntries(designs.map((d) => [d.feature, d]));
    expect(byName.last_inspection_failed).toMatchObject({ transform: 'binary', clipAt: null, maxValue: 1 });
    // the 99th percentile of the non-zero ln(1+count) values, below the 200-complaint outliers
    const clip = byName.complaints_12m.clipAt!;
    expect(clip).toBeGreaterThan(Math.log1p(5));
    expect(clip).toBeLessThan(Math.log1p(200));
    expect(transformed(500, byName.complaints_12m)).toBe(clip);
    expect(transformed(2, byName.complaints_12m)).toBeCloseTo(Math.log1p(2), 12);
    expect(designRow({ last_inspection_failed: 3, complaints_12m: 0 }, designs.slice(0, 2))).toEqual([1, 0]);
  });
});

describe('fittedScorecard', () => {
  const data = profiles(20_000, 2);
  const rows = data.map((d) => d.features);
  const labels = data.map((d) => d.label);
  const { designs } = designFactors(rows, Object.keys(rows[0]));
  const x = rows.map((r) => designRow(r, designs));
  const model = fitLogistic(x, labels, { l2: 1 });
  const rate = labels.filter((l) => l === 1).length / labels.length;
  const logits = x.map((row) => predictLogit(model, row));
  const { pdo } = choosePdo(logits, rate, v1.classThresholds.B, v1.scoreRange);
  const { scorecard, pointsPerLogit } = fittedScorecard({
    base: v1,
    designs,
    model,
    baseRate: rate,
    pdo,
    modelVersion: 'scorecard-test-fit-1',
    name: { zh: '测试拟合评分卡', en: 'Test fitted scorecard' },
    description: { zh: '单元测试', en: 'unit test' },
  });

  it('is a scorecard loadScorecard accepts, keeping the base model’s floors, thresholds and profile', () => {
    const loaded = loadScorecard(JSON.parse(JSON.stringify(scorecard)));
    expect(loaded.modelVersion).toBe('scorecard-test-fit-1');
    expect(loaded.floors).toEqual(v1.floors);
    expect(loaded.classThresholds).toEqual(v1.classThresholds);
    expect(loaded.profile).toEqual(v1.profile);
    expect(loaded.industryRisk).toEqual(v1.industryRisk);
    expect(loaded.factors.map((f) => f.feature)).toEqual(designs.map((d) => d.feature));
    expect(loaded.factors.find((f) => f.feature === 'last_inspection_failed')).toMatchObject({
      transform: 'binary',
    });
    expect(loaded.factors.find((f) => f.feature === 'complaints_12m')?.cap).toBeGreaterThan(0);
    // the fitted signs come through: failed inspections add points, age takes them away
    expect(loaded.factors.find((f) => f.feature === 'last_inspection_failed')!.points).toBeGreaterThan(0);
    expect(loaded.factors.find((f) => f.feature === 'age_years')!.points).toBeLessThan(0);
    expect(pointsPerLogit).toBeCloseTo(pdo / Math.LN2, 12);
  });

  it('scores every profile as anchor + (PDO / ln 2) × (log-odds − base log-odds), clips and caps included', () => {
    const loaded = loadScorecard(JSON.parse(JSON.stringify(scorecard)));
    const ref = Math.log(rate / (1 - rate));
    for (let i = 0; i < 500; i++) {
      const result = scoreProfile({ asOf: '2025-01-01', features: rows[i] }, loaded);
      const expected = v1.classThresholds.B + pointsPerLogit * (logits[i] - ref);
      // rounding: points to 4 decimals × values up to 1095, then each factor to cents
      expect(Math.abs(result.rawScore - expected)).toBeLessThan(0.1);
    }
    // an outlier beyond the clip scores like the clip: the cap does it
    const at = (c: number) =>
      scoreProfile({ asOf: '2025-01-01', features: { complaints_12m: c } }, loaded).rawScore;
    expect(at(200)).toBe(at(1000));
    expect(at(200)).toBeGreaterThan(at(1));
  });

  it('leaves out factors that can never move the score', () => {
    const tiny = fittedScorecard({
      base: v1,
      designs,
      model: { intercept: model.intercept, coefficients: designs.map(() => 1e-7) },
      baseRate: rate,
      pdo: 10,
      modelVersion: 'scorecard-test-fit-2',
      name: { zh: '测试', en: 'test' },
      description: { zh: '测试', en: 'test' },
    });
    expect(tiny.scorecard.factors).toEqual([]);
    expect(tiny.dropped.map((d) => d.feature)).toEqual(designs.map((d) => d.feature));
    expect(() => loadScorecard(JSON.parse(JSON.stringify(tiny.scorecard)))).not.toThrow();
  });
});

describe('choosePdo', () => {
  it('takes the finest scale that keeps at most 1% of the training scores outside the range', () => {
    // log-odds spread ±2 around the base: PDO 20 puts ±57.7 points around 25 ⇒ many clamp at 0
    const logits = Array.from({ length: 1000 }, (_, i) => -2 + (4 * i) / 999);
    const { pdo, clampedShare } = choosePdo(logits, 0.5, 25, { min: 0, max: 100 });
    expect(clampedShare).toBeLessThanOrEqual(0.01);
    // 25 − (PDO/ln2)·2 ≥ 0 ⇔ PDO ≤ 8.66: the largest candidate is 8
    expect(pdo).toBe(8);
  });
});
