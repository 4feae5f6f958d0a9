import type { RiskClass } from '@lianjian/domain';
import { fitLogistic, sigmoid } from '../fit/logistic';
import type { ClassPolicy } from './class-policy';

// 概率校准 (calibration): what a score means as a probability of an adverse finding (a non-compliant
// inspection, a penalty or a list addition) within the model's horizon, usually 12 months.
//
// Platt scaling: p = σ(a + b × raw score), fitted by logistic regression of the outcome on the raw
// score (the exact sum of the points shown, before the 0–100 cap) of historical cases. Chosen over
// isotonic regression because
//   - it is strictly increasing in the score: the probability never reorders the risk list, and a
//     probability threshold is one score cut point (the class still follows the score as displayed);
//   - it is continuous: isotonic regression is a step function and gives whole blocks of entities the
//     same probability, the very ties at the top this issue removes;
//   - two numbers, stored in the model version, explain it in one line a regulator can recompute;
//   - it needs no large calibration set (isotonic over-fits its steps on a few thousand cases).
// A fitted scorecard's raw score is already a linear function of the fitted log-odds (scorecard-fit.ts),
// so for those Platt is exact up to rounding; for a hand-set card (scorecard-v1) the reliability table
// of `npm run eval` shows whether the sigmoid fits.

export interface PlattCalibration {
  method: 'platt';
  a: number;
  b: number;
}

// The calibrated probability for a raw score (unrounded).
export function plattProbability(c: PlattCalibration, rawScore: number): number {
  return sigmoid(c.a + c.b * rawScore);
}

const logit = (p: number): number => Math.log(p / (1 - p));

// The raw score at which the probability reaches p (the inverse of plattProbability).
export function plattScoreFor(c: PlattCalibration, p: number): number {
  return (logit(p) - c.a) / c.b;
}

// Fits a and b on (raw score, outcome) pairs; b must come out positive (a higher score riskier),
// otherwise the score does not rank and a calibration would hide it.
export function fitPlatt(rawScores: readonly number[], labels: readonly (0 | 1)[]): PlattCalibration {
  // A negligible penalty keeps a perfectly separating planted set finite.
  const m = fitLogistic(
    rawScores.map((s) => [s]),
    labels,
    { l2: 1e-6 },
  );
  const b = m.coefficients[0];
  if (!(b > 0))
    throw new Error(
      `fitPlatt: the fitted slope is ${b}: a higher score is not riskier on these cases, nothing to calibrate`,
    );
  return { method: 'platt', a: m.intercept, b };
}

// --- measuring a calibration ----------------------------------------------------------------------

export interface ReliabilityBin {
  bin: number; // 1 … 10, lowest predicted probability first
  n: number;
  positives: number;
  predicted: number; // mean predicted probability in the bin
  observed: number; // share of positives in the bin
  minPredicted: number;
  maxPredicted: number;
}

// Reliability table (可靠性表): the cases sorted by predicted probability and cut into `bins` groups of
// (nearly) equal size — deciles by default — each with its mean prediction and observed rate. A
// calibrated model has predicted ≈ observed in every bin.
export function reliabilityTable(
  predicted: readonly number[],
  labels: readonly (0 | 1)[],
  bins = 10,
): ReliabilityBin[] {
  if (predicted.length !== labels.length)
    throw new Error(`reliabilityTable: ${predicted.length} predictions but ${labels.length} labels`);
  const n = predicted.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => predicted[x] - predicted[y]);
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const from = Math.round((b * n) / bins);
    const to = Math.round(((b + 1) * n) / bins);
    if (to <= from) continue;
    let sum = 0;
    let pos = 0;
    for (let k = from; k < to; k++) {
      sum += predicted[order[k]];
      pos += labels[order[k]];
    }
    out.push({
      bin: b + 1,
      n: to - from,
      positives: pos,
      predicted: sum / (to - from),
      observed: pos / (to - from),
      minPredicted: predicted[order[from]],
      maxPredicted: predicted[order[to - 1]],
    });
  }
  return out;
}

// Brier score: the mean squared difference between predicted probability and outcome (0 is perfect;
// predicting the base rate for everyone scores rate × (1 − rate)).
export function brierScore(predicted: readonly number[], labels: readonly (0 | 1)[]): number {
  if (predicted.length !== labels.length)
    throw new Error(`brierScore: ${predicted.length} predictions but ${labels.length} labels`);
  if (!predicted.length) return NaN;
  let s = 0;
  for (let i = 0; i < predicted.length; i++) s += (predicted[i] - labels[i]) ** 2;
  return s / predicted.length;
}

// --- class thresholds from a policy ---------------------------------------------------------------

const RANK: Record<RiskClass, number> = { A: 0, B: 1, C: 2, D: 3 };
export const CLASSES: readonly RiskClass[] = ['A', 'B', 'C', 'D'];

export interface ThresholdCase {
  probability: number;
  floorClass: RiskClass; // the lowest class the model's floors allow for this case ('A' = no floor)
}

// Probability thresholds p_B ≤ p_C ≤ p_D such that, on these cases, the share of each class after the
// floors comes as close as the ties allow to the policy's targets. A case is class ≥ K when p ≥ p_K or a
// floor makes it so; the cases floored to ≥ K count first, the rest are taken by probability. When the
// floors alone exceed a class's cumulative target, nobody reaches that class by probability
// (threshold 1) and the mix will show the excess.
export function thresholdsForPolicy(
  cases: readonly ThresholdCase[],
  policy: ClassPolicy,
): Record<'B' | 'C' | 'D', number> {
  const n = cases.length;
  if (!n) throw new Error('thresholdsForPolicy: no cases');
  const out = { B: 1, C: 1, D: 1 };
  let upper = 1; // p_K ≤ p_(K+1)
  for (const k of ['D', 'C', 'B'] as const) {
    const cumulative = CLASSES.filter((c) => RANK[c] >= RANK[k]).reduce(
      (s, c) => s + policy.classes[c].target,
      0,
    );
    const want = cumulative * n;
    const floored = cases.filter((c) => RANK[c.floorClass] >= RANK[k]).length;
    const free = cases
      .filter((c) => RANK[c.floorClass] < RANK[k])
      .map((c) => c.probability)
      .sort((x, y) => y - x);
    const m = Math.round(want - floored);
    let p = 1;
    if (m > 0 && free.length) {
      // The m-th highest probability, taken inclusive; if its tie block overshoots more than stopping
      // before the block undershoots, stop before it.
      const at = free[Math.min(m, free.length) - 1];
      const first = free.indexOf(at);
      let last = first;
      while (last + 1 < free.length && free[last + 1] === at) last++;
      const withBlock = floored + last + 1;
      const withoutBlock = floored + first;
      p = first > 0 && Math.abs(withoutBlock - want) < Math.abs(withBlock - want) ? free[first - 1] : at;
    }
    out[k] = Math.min(p, upper);
    upper = out[k];
  }
  return out;
}

// --- class mix and drift --------------------------------------------------------------------------

export interface ClassMixReport {
  policy: string;
  total: number;
  counts: Record<RiskClass, number>;
  shares: Record<RiskClass, number>; // 4 decimals
  bands: Record<RiskClass, { target: number; min: number; max: number }>;
  drift: { riskClass: RiskClass; share: number; min: number; max: number }[]; // classes outside their band
  flagged: boolean; // any class outside its band
}

// The class mix of a set of scores against the policy: each class's share, and every class whose
// share falls outside the policy's band (a model whose mix drifted: flagged in the run summary).
export function classMix(counts: Partial<Record<string, number>>, policy: ClassPolicy): ClassMixReport {
  const c = Object.fromEntries(CLASSES.map((k) => [k, Math.max(0, Number(counts[k] ?? 0))])) as Record<
    RiskClass,
    number
  >;
  const total = CLASSES.reduce((s, k) => s + c[k], 0);
  const shares = Object.fromEntries(
    CLASSES.map((k) => [k, total ? Math.round((c[k] / total) * 10_000) / 10_000 : 0]),
  ) as Record<RiskClass, number>;
  const bands = Object.fromEntries(
    CLASSES.map((k) => [
      k,
      { target: policy.classes[k].target, min: policy.classes[k].min, max: policy.classes[k].max },
    ]),
  ) as ClassMixReport['bands'];
  const drift = total
    ? CLASSES.filter((k) => c[k] / total < bands[k].min || c[k] / total > bands[k].max).map((k) => ({
        riskClass: k,
        share: shares[k],
        min: bands[k].min,
        max: bands[k].max,
      }))
    : [];
  return { policy: policy.id, total, counts: c, shares, bands, drift, flagged: drift.length > 0 };
}
