import {
  brierScore,
  classMix,
  fitPlatt,
  plattProbability,
  plattScoreFor,
  reliabilityTable,
  thresholdsForPolicy,
} from './calibration';
import { loadClassPolicy, type ClassPolicy } from './class-policy';
import { runClassMix } from './run-mix';

// A deterministic pseudo-random stream (mulberry32), so the planted data set is the same every run.
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

const POLICY: ClassPolicy = loadClassPolicy({
  id: 'test-policy',
  classes: {
    A: { target: 0.65, min: 0.6, max: 0.7 },
    B: { target: 0.23, min: 0.15, max: 0.3 },
    C: { target: 0.1, min: 0.05, max: 0.15 },
    D: { target: 0.02, min: 0.01, max: 0.03 },
  },
});

describe('Platt calibration (概率校准)', () => {
  // Planted: raw scores 0–120, outcome drawn with the true probability σ(−4 + 0.06 × score).
  const random = rng(15);
  const truth = { method: 'platt' as const, a: -4, b: 0.06 };
  const scores = Array.from({ length: 20_000 }, () => Math.round(random() * 12_000) / 100);
  const labels = scores.map((s) => (random() < plattProbability(truth, s) ? 1 : 0) as 0 | 1);
  const fitted = fitPlatt(scores, labels);

  it('recovers the planted curve', () => {
    expect(fitted.a).toBeCloseTo(-4, 0);
    expect(Math.abs(fitted.b - 0.06)).toBeLessThan(0.005);
    for (const s of [0, 30, 60, 90, 120])
      expect(Math.abs(plattProbability(fitted, s) - plattProbability(truth, s))).toBeLessThan(0.03);
  });

  it('is strictly increasing in the score and inverted by plattScoreFor', () => {
    let prev = -1;
    for (let s = -20; s <= 200; s += 0.5) {
      const p = plattProbability(fitted, s);
      expect(p).toBeGreaterThan(prev);
      prev = p;
    }
    expect(plattScoreFor(fitted, plattProbability(fitted, 73.25))).toBeCloseTo(73.25, 6);
  });

  it('is close on the planted data: every decile predicted within 3 points of observed', () => {
    const p = scores.map((s) => plattProbability(fitted, s));
    const table = reliabilityTable(p, labels);
    expect(table).toHaveLength(10);
    expect(table.reduce((n, r) => n + r.n, 0)).toBe(scores.length);
    for (const r of table) expect(Math.abs(r.predicted - r.observed)).toBeLessThan(0.03);
    // deciles go up
    for (let i = 1; i < table.length; i++) expect(table[i].predicted).toBeGreaterThan(table[i - 1].predicted);
    // better than the base rate for everyone
    const rate = labels.filter((l) => l === 1).length / labels.length;
    expect(brierScore(p, labels)).toBeLessThan(rate * (1 - rate) - 0.01);
  });

  it('refuses a score that does not rank (a slope ≤ 0)', () => {
    const flat = scores.map((s) => (s > 60 ? 0 : 1) as 0 | 1);
    expect(() => fitPlatt(scores, flat)).toThrow(/not riskier/);
  });

  it('computes the Brier score exactly', () => {
    expect(brierScore([0.2, 0.9, 0.5], [0, 1, 1])).toBeCloseTo((0.04 + 0.01 + 0.25) / 3, 12);
    expect(brierScore([1, 0], [1, 0])).toBe(0);
  });
});

describe('class thresholds from the policy (分类阈值)', () => {
  // A known distribution: 10,000 distinct probabilities, uniform on (0, 1).
  const cases = Array.from({ length: 10_000 }, (_, i) => ({
    probability: (i + 0.5) / 10_000,
    floorClass: 'A' as const,
  }));
  const mixAt = (
    cs: readonly { probability: number; floorClass: 'A' | 'B' | 'C' | 'D' }[],
    t: ReturnType<typeof thresholdsForPolicy>,
  ) => {
    const rank = { A: 0, B: 1, C: 2, D: 3 };
    const counts = { A: 0, B: 0, C: 0, D: 0 };
    for (const c of cs) {
      let k: 'A' | 'B' | 'C' | 'D' =
        c.probability >= t.D ? 'D' : c.probability >= t.C ? 'C' : c.probability >= t.B ? 'B' : 'A';
      if (rank[c.floorClass] > rank[k]) k = c.floorClass;
      counts[k]++;
    }
    return counts;
  };

  it('hits the policy mix on a known distribution', () => {
    const t = thresholdsForPolicy(cases, POLICY);
    expect(t.D).toBeCloseTo(0.98, 3);
    expect(t.C).toBeCloseTo(0.88, 3);
    expect(t.B).toBeCloseTo(0.65, 3);
    expect(mixAt(cases, t)).toEqual({ A: 6500, B: 2300, C: 1000, D: 200 });
  });

  it('counts the floored cases first: a floor to D leaves fewer D places to the probability', () => {
    // 150 cases floored to D with low probabilities: only 50 more reach D by probability.
    const floored = cases.map((c, i) => (i < 150 ? { ...c, floorClass: 'D' as const } : c));
    const t = thresholdsForPolicy(floored, POLICY);
    expect(mixAt(floored, t)).toEqual({ A: 6500, B: 2300, C: 1000, D: 200 });
    // floors beyond the target: nobody is D by probability, the excess shows in the mix
    const many = cases.map((c, i) => (i < 300 ? { ...c, floorClass: 'D' as const } : c));
    const t2 = thresholdsForPolicy(many, POLICY);
    expect(t2.D).toBe(1);
    expect(mixAt(many, t2).D).toBe(300);
  });

  it('keeps a tie block whole, on the side nearer the target', () => {
    // 1,000 cases: 970 at 0.1, 30 at 0.9. D wants 20: taking the 30 is nearer than taking none.
    const tied = Array.from({ length: 1000 }, (_, i) => ({
      probability: i < 30 ? 0.9 : 0.1,
      floorClass: 'A' as const,
    }));
    const t = thresholdsForPolicy(tied, POLICY);
    expect(t.D).toBe(0.9);
    expect(t.B).toBeLessThanOrEqual(t.C);
    expect(t.C).toBeLessThanOrEqual(t.D);
  });
});

describe('class mix and drift (分类结构漂移)', () => {
  it('is within policy for the targets', () => {
    const m = classMix({ A: 650, B: 230, C: 100, D: 20 }, POLICY);
    expect(m.shares).toEqual({ A: 0.65, B: 0.23, C: 0.1, D: 0.02 });
    expect(m.flagged).toBe(false);
    expect(m.drift).toEqual([]);
  });

  it('flags a model whose D share is 5% (the demo under scorecard-v1)', () => {
    const m = classMix({ A: 3592, B: 936, C: 211, D: 261 }, POLICY);
    expect(m.flagged).toBe(true);
    // A 71.8% over its 70%, C 4.2% under its 5%, D 5.2% over its 3%
    expect(m.drift.map((d) => d.riskClass)).toEqual(['A', 'C', 'D']);
    expect(m.drift.find((d) => d.riskClass === 'D')).toEqual({
      riskClass: 'D',
      share: 0.0522,
      min: 0.01,
      max: 0.03,
    });
  });

  it('reads a run summary with the policy stored on the run; none without one', () => {
    const summary = { classDistribution: { A: 640, B: 240, C: 100, D: 20 }, movedClass: 0 };
    expect(runClassMix(summary, POLICY)?.flagged).toBe(false);
    expect(runClassMix(summary, null)).toBeNull();
    expect(runClassMix(null, POLICY)).toBeNull();
    expect(runClassMix({ classDistribution: { A: 10, D: 90 } }, POLICY)?.flagged).toBe(true);
  });

  it('validates a policy: targets add up to 1 and lie in their bands', () => {
    expect(() =>
      loadClassPolicy({ id: 'x', classes: { ...POLICY.classes, D: { target: 0.05, min: 0.01, max: 0.03 } } }),
    ).toThrow(
      /classes.D: must have min ≤ target ≤ max.*targets must add up to 1|must have min ≤ target ≤ max/,
    );
    expect(() =>
      loadClassPolicy({ id: 'x', classes: { ...POLICY.classes, A: { target: 0.6, min: 0.6, max: 0.7 } } }),
    ).toThrow(/add up to 1/);
  });
});
