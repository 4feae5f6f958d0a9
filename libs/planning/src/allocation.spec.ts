import { join } from 'node:path';
import { allocate, AllocationError } from './allocation';
import { loadPolicies, validatePolicy, type SamplingPolicy } from './policy';

const CONFIG = join(process.cwd(), 'config');
const policy = (): SamplingPolicy => loadPolicies(CONFIG).get('default')!;

describe('allocation of a plan budget to strata', () => {
  it('raises every ratio alike with spare capacity, each class up to its policy maximum', () => {
    const pop = { A: 6000, B: 2500, C: 1200, D: 300 };
    // wanted A 180, B 250, C 360, D 240 = 1030 of a risk budget of 1800 (control 200): A and D reach
    // their maxima (5%, 100%), B and C share the rest at the same factor
    const a = allocate({ budget: 2000, population: pop, policy: policy() });
    expect(a.counts.control).toBe(200);
    expect(a.used).toBe(2000);
    expect(a.counts.A).toBe(300);
    expect(a.counts.D).toBe(300);
    expect(a.counts.B + a.counts.C).toBe(1200);
    expect(a.counts.B / 250).toBeCloseTo(a.counts.C / 360, 1); // the same factor on both
    expect(a.scale).toBeGreaterThan(1);
    // every class at its maximum: the rest of the budget stays unused
    const b = allocate({ budget: 10_000, population: pop, policy: policy() });
    expect(b.counts).toEqual({ control: 1000, A: 300, B: 500, C: 720, D: 300 });
    expect(b.unused).toBe(10_000 - 2820);
    for (const st of b.strata.filter((x) => x.stratum !== 'control'))
      expect(st.effectiveRatio).toBeLessThanOrEqual(policy().classes[st.stratum as 'A'].max + 1e-9);
  });

  it('never rounds a class above its policy maximum when spare capacity raises the ratios', () => {
    // 30 class A entities, A at most 5%: 1.5 inspections at most, so one (not two)
    const a = allocate({ budget: 10, population: { A: 30, B: 0, C: 0, D: 0 }, policy: policy() });
    expect(a.counts).toEqual({ control: 1, A: 1, B: 0, C: 0, D: 0 });
    expect(a.unused).toBe(8);
    // two classes at their maxima with halves: neither rounded up (A ≤ 1.5, B ≤ 2.5 of 12.5 at 20%)
    const b = allocate({ budget: 40, population: { A: 30, B: 12, C: 0, D: 0 }, policy: policy() });
    expect(b.counts.A).toBeLessThanOrEqual(1);
    expect(b.counts.B).toBeLessThanOrEqual(2);
  });

  it('scales every class by the same factor when the budget is short, using all of it', () => {
    const pop = { A: 60_000, B: 25_000, C: 12_000, D: 3_000 };
    const a = allocate({ budget: 5000, population: pop, policy: policy() });
    expect(a.counts.control).toBe(500);
    expect(a.used).toBe(5000);
    // the ratio between classes' effective ratios is the policy's (within rounding)
    const eff = (c: 'A' | 'B' | 'C' | 'D') => a.counts[c] / pop[c];
    expect(eff('D') / eff('A')).toBeCloseTo(0.8 / 0.03, 0);
    expect(eff('C') / eff('B')).toBeCloseTo(3, 1);
    expect(a.scale).toBeLessThan(1);
    // capacity below practice is a warning per class
    expect(a.strata.find((s) => s.stratum === 'D')!.belowPolicyMinimum).toBe(true);
  });

  it('gives every non-empty stratum at least one, and refuses a budget below one per stratum', () => {
    const a = allocate({ budget: 5, population: { A: 1000, B: 100, C: 10, D: 1 }, policy: policy() });
    expect(a.counts).toEqual({
      control: 1,
      A: expect.any(Number),
      B: expect.any(Number),
      C: expect.any(Number),
      D: 1,
    });
    for (const c of ['A', 'B', 'C', 'D'] as const) expect(a.counts[c]).toBeGreaterThanOrEqual(1);
    expect(a.used).toBe(5);
    expect(() =>
      allocate({ budget: 4, population: { A: 1000, B: 100, C: 10, D: 1 }, policy: policy() }),
    ).toThrow(expect.objectContaining({ code: 'budget_below_strata' }));
    // an empty class needs nothing
    expect(
      allocate({ budget: 4, population: { A: 1000, B: 100, C: 10, D: 0 }, policy: policy() }).counts.D,
    ).toBe(0);
  });

  it('refuses a budget that is not a positive whole number and an empty population', () => {
    for (const budget of [0, -1, 2.5, NaN])
      expect(() => allocate({ budget, population: { A: 1, B: 1, C: 1, D: 1 }, policy: policy() })).toThrow(
        AllocationError,
      );
    expect(() => allocate({ budget: 10, population: { A: 0, B: 0, C: 0, D: 0 }, policy: policy() })).toThrow(
      expect.objectContaining({ code: 'empty_population' }),
    );
  });

  it('never allocates more than a class has', () => {
    const p = validatePolicy({
      ...policy(),
      classes: { ...policy().classes, D: { ratio: 1, min: 0.61, max: 1 } },
    });
    const a = allocate({ budget: 1000, population: { A: 100, B: 10, C: 5, D: 3 }, policy: p });
    expect(a.counts.D).toBeLessThanOrEqual(3);
    expect(a.counts.C).toBeLessThanOrEqual(5);
  });
});

describe('sampling policy files', () => {
  it('ships a default policy in the practice ranges', () => {
    const p = policy();
    expect(p.classes.A.max).toBeLessThanOrEqual(0.05);
    expect(p.classes.D.min).toBeGreaterThanOrEqual(0.61);
    expect(p.controlShare).toBe(0.1);
  });

  it('refuses a ratio outside [0, 1] and a policy missing a class, naming the problem', () => {
    const base = policy();
    expect(() =>
      validatePolicy({ ...base, classes: { ...base.classes, B: { ratio: 1.2, min: 0, max: 1.5 } } }),
    ).toThrow(/class B ratio must be between 0 and 1/);
    const { D: _d, ...noD } = base.classes;
    expect(() => validatePolicy({ ...base, classes: noD })).toThrow(/class D is missing/);
    expect(() =>
      validatePolicy({ ...base, classes: { ...base.classes, A: { ratio: 0.1, min: 0, max: 0.05 } } }),
    ).toThrow(/outside its own range/);
    expect(() => validatePolicy({ ...base, controlShare: -0.1 })).toThrow(/controlShare/);
  });
});
