import { createHash } from 'node:crypto';
import { allocate, AllocationError, type Allocation } from './allocation';
import {
  compareSnapshotEntries,
  draw,
  DrawStream,
  sampleWithoutReplacement,
  type SnapshotEntry,
} from './draw';
import type { SamplingPolicy } from './policy';
import { RISK_STRATA, type RiskStratum } from './strata';

// 抽查效果评估 (npm run eval:planning): what risk-tiered sampling buys on a backtest, with the product's
// own allocation and draw (allocate, draw — nothing re-implemented here). The population is a set of
// entities with their risk class as of a past date T and a label (1: an adverse record in the horizon
// after T, what an inspection drawn at T would have had to find). Each of R draws has its own seed;
// per draw:
//   - risk-tiered (分级分类): allocate(budget k, the population's counts per class, policy), then draw —
//     the control stratum (对照组) included, as a plan draws it;
//   - uniform (不分级): k entities drawn uniformly without replacement from the whole population.
// Hit rate (问题发现率) = the share of the drawn entities whose label is 1. The figures are the mean
// over the draws and the 2.5th–97.5th percentiles (a 95% interval of what one plan would see).
// The control stratum is a uniform sample of the whole population, so its hit rate estimates the
// uniform one (unbiased; noisier, being ~10% of the plan): that is what it is for in production.

export interface PlanningUnit {
  entityId: string;
  uscc: string | null;
  riskClass: RiskStratum;
  label: 0 | 1;
}

// The seed of draw r of a run: SHA-256 of the label and r (a fresh seed per draw, the same figures on
// every run and machine).
export function evaluationSeed(label: string, r: number): string {
  return createHash('sha256').update(`lianjian-eval-planning-v1|${label}|${r}`).digest('hex');
}

// The p-quantile (0 ≤ p ≤ 1) of sorted values, interpolating linearly between order statistics
// (Hyndman–Fan type 7, R's and NumPy's default). NaN for no values.
export function quantile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export interface Interval {
  mean: number;
  lo: number; // 2.5th percentile
  hi: number; // 97.5th percentile
  sd: number; // standard deviation of the values (n − 1)
  n: number; // values (draws) it is over; NaN values are left out
}

// Mean and 2.5th–97.5th percentile of per-draw values (NaN — e.g. a ratio whose uniform hit rate was
// 0 — left out and not counted).
export function interval(values: readonly number[]): Interval {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const mean = v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN;
  return {
    mean,
    lo: quantile(v, 0.025),
    hi: quantile(v, 0.975),
    sd: v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1)) : NaN,
    n: v.length,
  };
}

export function hitRate(drawn: readonly { label: 0 | 1 }[]): number {
  return drawn.length ? drawn.reduce((s, x) => s + x.label, 0) / drawn.length : NaN;
}

export function classCounts(units: readonly { riskClass: RiskStratum }[]): Record<RiskStratum, number> {
  const out: Record<RiskStratum, number> = { A: 0, B: 0, C: 0, D: 0 };
  for (const u of units) out[u.riskClass]++;
  return out;
}

function snapshotOf<U extends PlanningUnit>(
  units: readonly U[],
): { snapshot: SnapshotEntry[]; byId: Map<string, U> } {
  const snapshot = units
    .map((u) => ({ entityId: u.entityId, uscc: u.uscc, riskClass: u.riskClass }))
    .sort(compareSnapshotEntries);
  return { snapshot, byId: new Map(units.map((u) => [u.entityId, u])) };
}

export interface ClassFigures {
  population: number;
  positives: number;
  baseRate: number; // positives / population: the hit rate of any uniform sample of the class
  allocated: number; // the class stratum's count (control draws of the class not included)
  drawnMean: number; // drawn per plan with this class, control draws included
  hitRate: number; // pooled over the draws: positives drawn / drawn
}

export interface HitRateEvaluation {
  population: number;
  positives: number;
  baseRate: number;
  budget: number;
  draws: number;
  allocation: Allocation;
  tiered: Interval;
  uniform: Interval;
  control: Interval; // the control stratum alone
  ratio: Interval; // per draw, tiered / uniform (a draw whose uniform hit rate is 0 left out)
  ratioOfMeans: number; // mean tiered / mean uniform: the headline
  // positives found per plan (hit rate × drawn): a tiered plan may leave budget unused (allocate)
  tieredFound: Interval;
  uniformFound: Interval;
  expectedTiered: number; // Σ stratum count × its base rate / used (what the draws should average)
  classes: Record<RiskStratum, ClassFigures>;
}

export interface HitRateOptions {
  budget: number; // k, whole
  draws: number; // R
  policy: SamplingPolicy;
  seedLabel?: string; // evaluationSeed's label (default 'hit-rate')
}

export function evaluateHitRates(units: readonly PlanningUnit[], opts: HitRateOptions): HitRateEvaluation {
  const { budget, draws, policy } = opts;
  if (!units.length) throw new Error('no entity to draw from (没有可抽取的主体)');
  if (budget > units.length)
    throw new Error(`a budget of ${budget} exceeds the population of ${units.length}`);
  const { snapshot, byId } = snapshotOf(units);
  const counts = classCounts(units);
  const allocation = allocate({ budget, population: counts, policy });
  const positivesOf = (c: RiskStratum) => units.filter((u) => u.riskClass === c && u.label === 1).length;
  const positives = units.reduce((s, u) => s + u.label, 0);
  const baseRate = positives / units.length;

  const tiered: number[] = [];
  const uniform: number[] = [];
  const control: number[] = [];
  const ratio: number[] = [];
  const tieredFound: number[] = [];
  const uniformFound: number[] = [];
  const drawnBy: Record<RiskStratum, { n: number; pos: number }> = {
    A: { n: 0, pos: 0 },
    B: { n: 0, pos: 0 },
    C: { n: 0, pos: 0 },
    D: { n: 0, pos: 0 },
  };
  const label = opts.seedLabel ?? 'hit-rate';
  for (let r = 0; r < draws; r++) {
    const seedHex = evaluationSeed(label, r);
    const plan = draw({ planId: `eval-tiered-${r}`, seedHex, snapshot, allocation: allocation.counts }).map(
      (d) => ({ ...d, label: byId.get(d.entityId)!.label }),
    );
    const flat = sampleWithoutReplacement(
      snapshot,
      budget,
      new DrawStream(seedHex, `eval-uniform-${r}`, 'uniform'),
    ).map((e) => byId.get(e.entityId)!);
    const t = hitRate(plan);
    const u = hitRate(flat);
    tiered.push(t);
    uniform.push(u);
    control.push(hitRate(plan.filter((d) => d.stratum === 'control')));
    ratio.push(u > 0 ? t / u : NaN);
    tieredFound.push(t * plan.length);
    uniformFound.push(u * flat.length);
    for (const d of plan) {
      drawnBy[d.riskClass].n++;
      drawnBy[d.riskClass].pos += d.label;
    }
  }
  const classes = Object.fromEntries(
    RISK_STRATA.map((c) => {
      const pos = positivesOf(c);
      return [
        c,
        {
          population: counts[c],
          positives: pos,
          baseRate: counts[c] ? pos / counts[c] : NaN,
          allocated: allocation.counts[c],
          drawnMean: drawnBy[c].n / draws,
          hitRate: drawnBy[c].n ? drawnBy[c].pos / drawnBy[c].n : NaN,
        },
      ];
    }),
  ) as Record<RiskStratum, ClassFigures>;
  const expectedTiered =
    (allocation.counts.control * baseRate +
      RISK_STRATA.reduce((s, c) => s + allocation.counts[c] * (classes[c].baseRate || 0), 0)) /
    allocation.used;
  const t = interval(tiered);
  const u = interval(uniform);
  return {
    population: units.length,
    positives,
    baseRate,
    budget,
    draws,
    allocation,
    tiered: t,
    uniform: u,
    control: interval(control),
    ratio: interval(ratio),
    ratioOfMeans: u.mean > 0 ? t.mean / u.mean : NaN,
    tieredFound: interval(tieredFound),
    uniformFound: interval(uniformFound),
    expectedTiered,
    classes,
  };
}

// --- joint inspections (跨部门联合抽查: 进一次门、查多项事) ----------------------------------------------
//
// Several departments inspect overlapping populations (an item's population is an industry and
// entity-type filter: a manufacturing company is in the market regulator's, the tax bureau's, the
// labour bureau's and the environment bureau's). Every department d has its own population P_d and
// its own plan: allocate(round(share × |P_d|), P_d's classes, policy) — the same per-department budgets
// and allocations both ways. Per draw:
//   - separate plans (各部门分别抽查): each department draws its plan on its own (draw, own seed
//     stream); every drawn entity is one visit of that department, so visits = department-inspections,
//     and an entity two departments happen to draw is visited twice (多头检查: `repeatVisits`);
//   - a joint plan (联合抽查): one random order of the union of the populations (one seeded stream,
//     a full Fisher–Yates shuffle), and every department takes its strata in that order — its control
//     count first (the first members of P_d in the order), then each class's count (the first members
//     of the class not taken for control). That is, per department, exactly the distribution of its own
//     draw (a uniform control sample, then a uniform sample of each class's rest: every entity of P_d
//     keeps the chance its own plan gives it), but the departments' lists overlap as much as their
//     strata allow (coordinated sampling with permanent random numbers, as statistical offices use to
//     spare respondents). A drawn entity is visited once and gets every department's items that
//     picked it: visits = the distinct entities.
// The figure: visits per 100 department-inspections (100 for separate plans) and the visits saved.
// For comparison, `unionPlan`: one tiered plan over the union (budget round(share × the union)), every
// drawn entity getting every applicable department's items — simpler, but a department's count then
// follows the union's class mix, not its own budget (a riskier department population gets more).

export interface JointUnit extends PlanningUnit {
  departments: readonly string[]; // the departments whose items apply to the entity
}

export interface DepartmentFigures {
  department: string;
  population: number;
  sharedPopulation: number; // of those, in another planned department's population too
  budget: number; // allocated and drawn (Allocation.used), in its separate plan and in the joint plan
  unionPlanInspections: Interval; // its department-inspections in the union plan, per draw
  skipped?: string; // a population too small for a plan of this budget
}

export interface JointEvaluation {
  departments: DepartmentFigures[];
  departmentInspections: number; // Σ budgets: the same separate and joint
  separate: { visits: number; repeatVisits: Interval; visitsPer100: number };
  joint: { visits: Interval; multiDepartmentVisits: Interval; visitsPer100: Interval };
  savedPer100: number; // 100 − joint visitsPer100 (mean)
  visitsSaved: number; // separate visits − joint visits (mean)
  unionPlan: { union: number; visits: number; departmentInspections: Interval; visitsPer100: Interval };
  // with JointOptions.traceInclusion: per department, how often each entity was picked in the joint plan
  inclusions?: Map<string, Map<string, number>>;
}

export interface JointOptions {
  budgetShare: number;
  draws: number;
  policy: SamplingPolicy;
  seedLabel?: string;
  traceInclusion?: boolean;
}

function tryAllocate(
  budget: number,
  units: readonly PlanningUnit[],
  policy: SamplingPolicy,
): Allocation | string {
  try {
    return allocate({ budget: Math.max(1, budget), population: classCounts(units), policy });
  } catch (e) {
    if (e instanceof AllocationError) return e.message;
    throw e;
  }
}

export function evaluateJoint(units: readonly JointUnit[], opts: JointOptions): JointEvaluation {
  const { budgetShare, draws, policy } = opts;
  const names = [...new Set(units.flatMap((u) => u.departments))].sort();
  const label = opts.seedLabel ?? 'joint';
  const all = names.map((department) => {
    const members = units.filter((u) => u.departments.includes(department));
    const alloc = tryAllocate(Math.round(budgetShare * members.length), members, policy);
    return { department, members, ...snapshotOf(members), alloc };
  });
  const planned = all.flatMap((p) => (typeof p.alloc === 'string' ? [] : [{ ...p, alloc: p.alloc }]));
  const plannedNames = new Set(planned.map((p) => p.department));
  // The joint plan covers the planned departments' populations and their items only.
  const union = units
    .map((u) => ({ ...u, departments: u.departments.filter((d) => plannedNames.has(d)) }))
    .filter((u) => u.departments.length > 0);
  if (!union.length)
    throw new Error('no department population large enough for a plan (没有可编制计划的部门)');
  const unionSnap = snapshotOf(union);
  const unionAlloc = tryAllocate(Math.round(budgetShare * union.length), union, policy);
  if (typeof unionAlloc === 'string') throw new Error(`union plan: ${unionAlloc}`);
  const inspections = planned.reduce((s, p) => s + p.alloc.used, 0);

  const repeat: number[] = [];
  const jointVisits: number[] = [];
  const multi: number[] = [];
  const jointPer100: number[] = [];
  const unionInsp: number[] = [];
  const unionPer100: number[] = [];
  const perDeptUnion = new Map<string, number[]>(names.map((d) => [d, []]));
  const inclusions = opts.traceInclusion
    ? new Map<string, Map<string, number>>(planned.map((p) => [p.department, new Map()]))
    : undefined;
  for (let r = 0; r < draws; r++) {
    const seedHex = evaluationSeed(label, r);
    // separate plans
    const visited = new Set<string>();
    for (const p of planned)
      for (const d of draw({
        planId: `eval-separate-${p.department}-${r}`,
        seedHex,
        snapshot: p.snapshot,
        allocation: p.alloc.counts,
      }))
        visited.add(d.entityId);
    repeat.push(inspections - visited.size);

    // the joint plan: every department takes its strata in one shared random order
    const order = sampleWithoutReplacement(
      unionSnap.snapshot,
      unionSnap.snapshot.length,
      new DrawStream(seedHex, `eval-joint-${r}`, 'order'),
    );
    const left = new Map(planned.map((p) => [p.department, { ...p.alloc.counts }]));
    let visits = 0;
    let several = 0;
    for (const e of order) {
      let takenBy = 0;
      for (const d of unionSnap.byId.get(e.entityId)!.departments) {
        const q = left.get(d)!;
        if (q.control > 0) q.control--;
        else if (q[e.riskClass] > 0) q[e.riskClass]--;
        else continue;
        takenBy++;
        const inc = inclusions?.get(d);
        inc?.set(e.entityId, (inc.get(e.entityId) ?? 0) + 1);
      }
      if (takenBy > 0) visits++;
      if (takenBy > 1) several++;
    }
    jointVisits.push(visits);
    multi.push(several);
    jointPer100.push((100 * visits) / inspections);

    // for comparison: one tiered plan over the union
    const drawn = draw({
      planId: `eval-union-${r}`,
      seedHex,
      snapshot: unionSnap.snapshot,
      allocation: unionAlloc.counts,
    });
    const tally = new Map<string, number>();
    let n = 0;
    for (const d of drawn)
      for (const dept of unionSnap.byId.get(d.entityId)!.departments) {
        tally.set(dept, (tally.get(dept) ?? 0) + 1);
        n++;
      }
    for (const d of names) perDeptUnion.get(d)!.push(tally.get(d) ?? 0);
    unionInsp.push(n);
    unionPer100.push((100 * drawn.length) / n);
  }
  const departments: DepartmentFigures[] = all.map((p) => ({
    department: p.department,
    population: p.members.length,
    sharedPopulation: p.members.filter((u) => u.departments.filter((d) => plannedNames.has(d)).length > 1)
      .length,
    budget: typeof p.alloc === 'string' ? 0 : p.alloc.used,
    unionPlanInspections: interval(perDeptUnion.get(p.department)!),
    ...(typeof p.alloc === 'string' ? { skipped: p.alloc } : {}),
  }));
  const per100 = interval(jointPer100);
  const visits = interval(jointVisits);
  return {
    departments,
    departmentInspections: inspections,
    separate: { visits: inspections, repeatVisits: interval(repeat), visitsPer100: 100 },
    joint: { visits, multiDepartmentVisits: interval(multi), visitsPer100: per100 },
    savedPer100: 100 - per100.mean,
    visitsSaved: inspections - visits.mean,
    unionPlan: {
      union: union.length,
      visits: unionAlloc.used,
      departmentInspections: interval(unionInsp),
      visitsPer100: interval(unionPer100),
    },
    ...(inclusions ? { inclusions } : {}),
  };
}
