import { join } from 'node:path';
import { loadPolicies } from './policy';
import {
  evaluateHitRates,
  evaluateJoint,
  hitRate,
  interval,
  type JointUnit,
  type PlanningUnit,
  quantile,
} from './evaluation';
import { RISK_STRATA, type RiskStratum } from './strata';

const policy = loadPolicies(join(process.cwd(), 'config')).get('default')!;

// A planted population where the class predicts the label: per class, how many entities and how many
// of them positive (the first `positives` of the class).
function planted(spec: Record<RiskStratum, [number, number]>, label = 'p'): PlanningUnit[] {
  const out: PlanningUnit[] = [];
  for (const c of RISK_STRATA) {
    const [n, positives] = spec[c];
    for (let i = 0; i < n; i++)
      out.push({
        entityId: `${label}${c}${i}`,
        uscc: null,
        riskClass: c,
        label: i < positives ? 1 : 0,
      });
  }
  return out;
}

describe('quantile and interval', () => {
  it('interpolates between order statistics (type 7)', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([7], 0.975)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('is the mean and the 2.5th–97.5th percentiles, leaving out what is not a number', () => {
    const i = interval([4, 1, NaN, 3, 2, Infinity]);
    expect(i.n).toBe(4);
    expect(i.mean).toBe(2.5);
    expect(i.lo).toBeCloseTo(1.075, 10);
    expect(i.hi).toBeCloseTo(3.925, 10);
    expect(i.sd).toBeCloseTo(Math.sqrt(5 / 3), 10);
  });

  it('hit rate is the share of positives drawn', () => {
    expect(hitRate([{ label: 1 }, { label: 0 }, { label: 0 }, { label: 1 }])).toBe(0.5);
    expect(hitRate([])).toBeNaN();
  });
});

describe('evaluateHitRates', () => {
  // Base rates A 5%, B 20%, C 50%, D 90%: 167 positives of 1,000.
  const units = planted({ A: [600, 30], B: [250, 50], C: [120, 60], D: [30, 27] });
  const res = evaluateHitRates(units, { budget: 100, draws: 200, policy });

  it('allocates the budget with the product’s allocation, control stratum included', () => {
    expect(res.allocation.counts.control).toBe(10);
    expect(res.allocation.used).toBeLessThanOrEqual(100);
    expect(res.allocation.counts.D).toBeGreaterThan(res.allocation.counts.A);
    expect(res.baseRate).toBeCloseTo(0.167, 10);
  });

  it('uniform and control draws are unbiased: their means are the base rate', () => {
    // Standard errors of the means over 200 draws: uniform ≈ 0.0025 (100 drawn), control ≈ 0.008 (10).
    expect(Math.abs(res.uniform.mean - res.baseRate)).toBeLessThan(0.01);
    expect(Math.abs(res.control.mean - res.baseRate)).toBeLessThan(0.035);
    expect(res.uniform.lo).toBeLessThan(res.baseRate);
    expect(res.uniform.hi).toBeGreaterThan(res.baseRate);
  });

  it('tiered draws average what the class base rates predict, well above uniform when classes predict the label', () => {
    expect(Math.abs(res.tiered.mean - res.expectedTiered)).toBeLessThan(0.01);
    expect(res.ratioOfMeans).toBeGreaterThan(1.5);
    expect(res.tieredFound.mean).toBeCloseTo(res.tiered.mean * res.allocation.used, 6);
    expect(res.uniformFound.mean).toBeCloseTo(res.uniform.mean * 100, 6);
    expect(res.ratio.lo).toBeLessThanOrEqual(res.ratio.mean);
    expect(res.ratio.hi).toBeGreaterThanOrEqual(res.ratio.mean);
    for (const c of RISK_STRATA) {
      const k = res.classes[c];
      // every class's draws are a uniform sample of the class: pooled hit rate ≈ its base rate
      expect(Math.abs(k.hitRate - k.baseRate)).toBeLessThan(0.05);
      expect(k.drawnMean).toBeGreaterThanOrEqual(k.allocated);
    }
  });

  it('is reproducible: the seeds are derived from the draw number', () => {
    const again = evaluateHitRates(units, { budget: 100, draws: 20, policy });
    const once = evaluateHitRates(units, { budget: 100, draws: 20, policy });
    expect(again.tiered).toEqual(once.tiered);
    expect(again.uniform).toEqual(once.uniform);
  });

  it('tiering buys nothing when the class does not predict the label', () => {
    // 20% positive in every class
    const flat = planted({ A: [600, 120], B: [250, 50], C: [120, 24], D: [30, 6] });
    const r = evaluateHitRates(flat, { budget: 100, draws: 200, policy });
    expect(Math.abs(r.ratioOfMeans - 1)).toBeLessThan(0.08);
    expect(Math.abs(r.tiered.mean - 0.2)).toBeLessThan(0.01);
  });
});

describe('evaluateJoint', () => {
  const base = planted({ A: [600, 30], B: [250, 50], C: [120, 60], D: [30, 27] });

  it('a joint plan keeps every department’s budget and visits fewer times when populations overlap', () => {
    // X: every entity; Y: two in five of every class (a subset of X with the same class mix).
    const units: JointUnit[] = base.map((u, i) => ({ ...u, departments: i % 5 < 2 ? ['X', 'Y'] : ['X'] }));
    const j = evaluateJoint(units, { budgetShare: 0.1, draws: 100, policy });
    const x = j.departments.find((d) => d.department === 'X')!;
    const y = j.departments.find((d) => d.department === 'Y')!;
    expect([x.population, y.population, y.sharedPopulation]).toEqual([1000, 400, 400]);
    expect([x.budget, y.budget]).toEqual([100, 40]);
    // separate: one visit per department-inspection; some entities drawn by both by chance
    expect(j.departmentInspections).toBe(140);
    expect(j.separate.visits).toBe(140);
    expect(j.separate.visitsPer100).toBe(100);
    expect(j.separate.repeatVisits.mean).toBeGreaterThan(0);
    // joint: Y's picks mostly fall on entities X picks too
    expect(j.joint.visits.mean).toBeGreaterThanOrEqual(100);
    expect(j.joint.visits.mean).toBeLessThan(112);
    expect(j.joint.multiDepartmentVisits.mean).toBeGreaterThan(28);
    expect(j.joint.visitsPer100.mean).toBeCloseTo((100 * j.joint.visits.mean) / 140, 10);
    expect(j.savedPer100).toBeCloseTo(100 - j.joint.visitsPer100.mean, 10);
    expect(j.visitsSaved).toBeCloseTo(140 - j.joint.visits.mean, 10);
    // the union plan for comparison: X's count is its visits, Y's rides along
    expect(j.unionPlan.union).toBe(1000);
    expect(x.unionPlanInspections.mean).toBe(j.unionPlan.visits);
    expect(Math.abs(y.unionPlanInspections.mean - 40)).toBeLessThan(3);
  });

  it('every entity of a department keeps its chance, whether another department covers it or not', () => {
    // X: two in three of the entities, Y: one in two; Y's overlap with X and its own part compared
    const units: JointUnit[] = base.map((u, i) => ({
      ...u,
      departments: [...(i % 3 ? ['X'] : []), ...(i % 2 ? [] : ['Y'])],
    }));
    const draws = 300;
    const j = evaluateJoint(units, { budgetShare: 0.1, draws, policy, traceInclusion: true });
    const picked = j.inclusions!.get('Y')!;
    for (const c of ['A', 'B'] as const) {
      const rate = (inX: boolean) => {
        const group = units.filter(
          (u) => u.riskClass === c && u.departments.includes('Y') && u.departments.includes('X') === inX,
        );
        return group.reduce((s, u) => s + (picked.get(u.entityId) ?? 0), 0) / (group.length * draws);
      };
      const shared = rate(true);
      const own = rate(false);
      expect(own).toBeGreaterThan(0);
      expect(Math.abs(shared - own)).toBeLessThan(0.2 * own);
    }
  });

  it('saves nothing when the populations do not overlap', () => {
    const units: JointUnit[] = base.map((u, i) => ({ ...u, departments: [i % 2 ? 'X' : 'Y'] }));
    const j = evaluateJoint(units, { budgetShare: 0.1, draws: 20, policy });
    expect(j.joint.visits.mean).toBe(j.departmentInspections);
    expect(j.joint.visitsPer100.mean).toBe(100);
    expect(j.savedPer100).toBe(0);
    expect(j.separate.repeatVisits.mean).toBe(0);
  });
});
