import { DRAW_STRATA, RISK_STRATA, type DrawStratum, type RiskStratum } from './strata';
import type { SamplingPolicy } from './policy';

// 抽查数量分配: how many of a plan's budget each stratum gets, before the draw (the plan shows it).
//
// The control stratum takes round(budget × controlShare) (at least one when the share is above 0),
// drawn from the whole population. The rest, the risk budget R, goes to the classes: each class c
// wants n_c × ratio_c inspections (its eligible entities times the policy's sampling ratio).
// - When that exceeds R, every class is scaled by the same factor R / wanted, so the policy's relative
//   intensity (D inspected ~27× as often as A under the defaults) holds whatever the capacity.
// - When it leaves capacity to spare, every ratio is raised by the same factor until R is spent or a
//   class reaches its policy maximum, which then holds while the others rise (water-filling); once
//   every class is at its maximum, what is left stays unused (said in the plan).
// Counts are whole by largest remainder (ties in the order A, B, C, D), and every non-empty stratum
// with a ratio above 0 gets at least one: a budget too small for that is refused, as is a policy
// without a class. A class whose resulting ratio falls below the policy's minimum (capacity short of
// practice) is a warning on the plan, not a refusal.

export interface AllocationInput {
  budget: number;
  population: Readonly<Record<RiskStratum, number>>; // eligible entities per class
  policy: SamplingPolicy;
}

export interface StratumAllocation {
  stratum: DrawStratum;
  population: number; // for control: the whole population
  ratio: number; // the policy's (control: its share of the budget)
  wanted: number; // n × ratio, before the budget
  count: number; // allocated
  effectiveRatio: number; // count / population (0 when empty)
  belowPolicyMinimum: boolean;
}

export interface Allocation {
  budget: number;
  used: number;
  unused: number;
  // the factor applied to every class's policy ratio: below 1 when the budget is short, above 1 when
  // spare capacity raises the ratios (each up to its class's policy maximum)
  scale: number;
  strata: StratumAllocation[];
  counts: Record<DrawStratum, number>;
}

export class AllocationError extends Error {
  constructor(
    readonly code: 'budget_invalid' | 'budget_below_strata' | 'empty_population',
    message: string,
  ) {
    super(message);
  }
}

function largestRemainder(wants: number[], total: number): number[] {
  const floors = wants.map((w) => Math.floor(w));
  let left = total - floors.reduce((s, x) => s + x, 0);
  const order = wants
    .map((w, i) => ({ i, frac: w - Math.floor(w) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i]++;
    left--;
  }
  return floors;
}

export function allocate(input: AllocationInput): Allocation {
  const { budget, population, policy } = input;
  if (!Number.isInteger(budget) || budget < 1)
    throw new AllocationError(
      'budget_invalid',
      `the budget must be a whole number ≥ 1, got ${budget} (抽查数量须为正整数)`,
    );
  const total = RISK_STRATA.reduce((s, c) => s + (population[c] ?? 0), 0);
  if (total === 0)
    throw new AllocationError(
      'empty_population',
      'no entity is eligible for this plan (无符合条件的检查对象)',
    );

  const active = RISK_STRATA.filter((c) => (population[c] ?? 0) > 0 && policy.classes[c].ratio > 0);
  const control = policy.controlShare > 0 ? Math.max(1, Math.round(budget * policy.controlShare)) : 0;
  const strataNeeded = active.length + (control > 0 ? 1 : 0);
  if (budget < strataNeeded)
    throw new AllocationError(
      'budget_below_strata',
      `a budget of ${budget} is below one inspection per stratum (${strataNeeded} strata: ` +
        `${[...(control > 0 ? ['control'] : []), ...active].join(', ')}) (抽查数量少于每层一户)`,
    );
  const controlCount = Math.min(control, total);
  const riskBudget = budget - controlCount;
  const wanted = RISK_STRATA.map((c) => (population[c] ?? 0) * policy.classes[c].ratio);
  const wantedTotal = wanted.reduce((s, x) => s + x, 0);
  // Short of budget: every class scaled down alike. Spare budget: every ratio raised alike until the
  // budget is spent or each class reaches its policy maximum (water-filling; what is left then stays
  // unused and the plan says so).
  const caps = RISK_STRATA.map((c) => (population[c] ?? 0) * policy.classes[c].max);
  const filled = (k: number) => wanted.map((w, i) => Math.min(w * k, Math.max(caps[i], w)));
  let scale = 1;
  if (wantedTotal > riskBudget) scale = riskBudget / wantedTotal;
  else if (wantedTotal > 0) {
    const sum = (k: number) => filled(k).reduce((a, x) => a + x, 0);
    const maxScale = Math.max(1, ...RISK_STRATA.map((c, i) => (wanted[i] > 0 ? caps[i] / wanted[i] : 1)));
    if (sum(maxScale) <= riskBudget) scale = maxScale;
    else {
      let lo = 1;
      let hi = maxScale;
      for (let it = 0; it < 60; it++) {
        const mid = (lo + hi) / 2;
        if (sum(mid) <= riskBudget) lo = mid;
        else hi = mid;
      }
      scale = lo;
    }
  }
  const shares = scale <= 1 ? wanted.map((w) => w * scale) : filled(scale);
  // raised to the policy maxima, the total is rounded down: rounding up would take a class above its maximum
  const shared = shares.reduce((a, x) => a + x, 0);
  const target = Math.min(riskBudget, scale > 1 ? Math.floor(shared + 1e-9) : Math.round(shared));
  // A class raised to its maximum keeps the whole part of it; the units left go to the others.
  const atCap = shares.map((x, i) => scale > 1 && x >= caps[i] - 1e-9);
  const fixed = shares.map((x, i) => (atCap[i] ? Math.floor(x + 1e-9) : 0));
  const free = largestRemainder(
    shares.map((x, i) => (atCap[i] ? 0 : x)),
    Math.max(0, target - fixed.reduce((a, x) => a + x, 0)),
  );
  const counts = shares.map((_, i) => (atCap[i] ? fixed[i] : free[i]));
  // At least one for every active class, taken from the largest count (never below one itself).
  RISK_STRATA.forEach((c, i) => {
    if (!active.includes(c) || counts[i] > 0) return;
    const donor = counts.indexOf(Math.max(...counts));
    if (target >= active.length && counts[donor] > 1) counts[donor]--;
    counts[i] = 1;
  });
  RISK_STRATA.forEach((c, i) => (counts[i] = Math.min(counts[i], population[c] ?? 0)));

  const out: Record<DrawStratum, number> = { control: controlCount, A: 0, B: 0, C: 0, D: 0 };
  const strata: StratumAllocation[] = [
    {
      stratum: 'control',
      population: total,
      ratio: policy.controlShare,
      wanted: budget * policy.controlShare,
      count: controlCount,
      effectiveRatio: controlCount / total,
      belowPolicyMinimum: false,
    },
  ];
  RISK_STRATA.forEach((c, i) => {
    out[c] = counts[i];
    const n = population[c] ?? 0;
    const effective = n ? counts[i] / n : 0;
    strata.push({
      stratum: c,
      population: n,
      ratio: policy.classes[c].ratio,
      wanted: wanted[i],
      count: counts[i],
      effectiveRatio: effective,
      // the control stratum's draws of the class count towards it too, but are not planned by class
      belowPolicyMinimum: n > 0 && effective + 1e-12 < policy.classes[c].min,
    });
  });
  const used = DRAW_STRATA.reduce((s, k) => s + out[k], 0);
  return { budget, used, unused: budget - used, scale, strata, counts: out };
}
