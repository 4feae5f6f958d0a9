import type { RiskClass } from '@lianjian/domain';
import { dayNumber } from '@lianjian/common';

// 评分质量指标: how well a score ranks the entities that turned out risky first. Pure functions over
// (score, label) pairs; higher score = riskier, label 1 = the adverse outcome happened.
//
// Ties are frequent with a points-based scorecard (every entity without history gets the same score),
// so every metric here treats tied scores as "order unknown" and returns its expected value under a
// random order within the tie, never a value that depends on the order the rows arrive in.

export type Label = 0 | 1 | boolean;

const isPos = (l: Label): boolean => l === 1 || l === true;

function checkInput(what: string, scores: readonly number[], labels: readonly unknown[]): void {
  if (scores.length !== labels.length)
    throw new Error(`${what}: ${scores.length} scores but ${labels.length} labels (one label per score)`);
  const bad = scores.findIndex((s) => !Number.isFinite(s));
  if (bad >= 0) throw new Error(`${what}: score ${bad} is ${scores[bad]}, not a finite number`);
}

// Area under the ROC curve = P(score of a random positive > score of a random negative), ties
// counted ½ (Mann–Whitney U with mid-ranks). NaN without both classes.
export function auc(scores: readonly number[], labels: readonly Label[]): number {
  checkInput('auc', scores, labels);
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const midRank = (i + j) / 2 + 1; // ranks are 1-based
    for (let k = i; k <= j; k++)
      if (isPos(labels[order[k]])) {
        positives++;
        rankSum += midRank;
      }
    i = j + 1;
  }
  const negatives = n - positives;
  if (!positives || !negatives) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

// Groups of equal score, highest first, each with its size and positives.
function tieGroupsDesc(
  scores: readonly number[],
  labels: readonly Label[],
): { members: number[]; positives: number }[] {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const groups: { members: number[]; positives: number }[] = [];
  for (const i of order) {
    let g = groups[groups.length - 1];
    if (!g || scores[g.members[0]] !== scores[i]) {
      g = { members: [], positives: 0 };
      groups.push(g);
    }
    g.members.push(i);
    if (isPos(labels[i])) g.positives++;
  }
  return groups;
}

// How many cases "the top `fraction`" is: round(n × fraction), at least 1.
export function topCount(n: number, fraction: number): number {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`fraction must be in (0, 1], got ${fraction}`);
  return Math.max(1, Math.round(n * fraction));
}

// Precision at the top `fraction` of the ranking (e.g. 0.1 = the 10% highest scores): the share of
// positives among them. A tie straddling the cut contributes its positive rate pro rata.
export function precisionAt(scores: readonly number[], labels: readonly Label[], fraction: number): number {
  checkInput('precisionAt', scores, labels);
  if (!scores.length) return NaN;
  const k = topCount(scores.length, fraction);
  let taken = 0;
  let found = 0;
  for (const g of tieGroupsDesc(scores, labels)) {
    const room = k - taken;
    if (room <= 0) break;
    if (g.members.length <= room) {
      taken += g.members.length;
      found += g.positives;
    } else {
      found += (g.positives * room) / g.members.length;
      taken = k;
    }
  }
  return found / k;
}

export function baseRate(labels: readonly Label[]): number {
  if (!labels.length) return NaN;
  let p = 0;
  for (const l of labels) if (isPos(l)) p++;
  return p / labels.length;
}

// Lift at the top `fraction`: precision there ÷ the base rate (1 = no better than random).
export function liftAt(scores: readonly number[], labels: readonly Label[], fraction: number): number {
  return precisionAt(scores, labels, fraction) / baseRate(labels);
}

export interface ScheduledCase {
  date: string; // YYYY-MM-DD the inspection actually happened
  score: number;
  label: Label; // the inspection found the violation looked for
}

export interface DaysEarlierResult {
  // Mean over positives of (actual date − simulated date), in days: > 0 = found earlier.
  daysEarlier: number;
  positives: number;
  cases: number;
  // Share of all positives found in the first half of the period (the days whose cumulative number of
  // inspections stays below half the total), in the actual and in the score order.
  firstHalf: { actual: number; simulated: number };
}

// "How many days earlier would violations have been found in score order?" — the Chicago food
// inspection project's method (CODE/functions/simulated_date_diff_mean.R, used for its published
// 7.44 days (glmnet) and 7.79 days (XGBoost)): keep the actual calendar, i.e. the same number of
// inspections on each day, and hand its slots out in score order: the cases sorted by descending
// score take the dates sorted ascending, one each. The result is the mean, over the positive cases,
// of actual date − simulated date. The first-half shares follow its 31_xgboost_model_evaluation.R
// (period A = days whose cumulative count is < half the inspections).
//
// One deliberate difference: the project sorts with data.table's stable order, so tied scores keep
// file order; here a tie group receives its block of slots in expectation (each member gets the mean
// date of the block, and the block's share of first-half slots), which equals the average over all
// orders within the tie. With continuous scores (the project's) both give the same number.
export function daysEarlier(cases: readonly ScheduledCase[]): DaysEarlierResult {
  const n = cases.length;
  const days = cases.map((c) => {
    const d = dayNumber(c.date);
    if (Number.isNaN(d)) throw new Error(`daysEarlier: '${c.date}' is not a YYYY-MM-DD date`);
    return d;
  });
  const slots = [...days].sort((a, b) => a - b);
  // Period A: days whose cumulative count (through that day) is strictly below n/2.
  const perDay = new Map<number, number>();
  for (const d of slots) perDay.set(d, (perDay.get(d) ?? 0) + 1);
  const firstHalfDays = new Set<number>();
  let cumulative = 0;
  for (const [d, count] of [...perDay].sort((a, b) => a[0] - b[0])) {
    cumulative += count;
    if (cumulative < n / 2) firstHalfDays.add(d);
  }

  const scores = cases.map((c) => c.score);
  const labels = cases.map((c) => c.label);
  checkInput('daysEarlier', scores, labels);
  let next = 0;
  let positives = 0;
  let sumDiff = 0;
  let actualFirst = 0;
  let simulatedFirst = 0;
  for (const g of tieGroupsDesc(scores, labels)) {
    const block = slots.slice(next, next + g.members.length);
    next += g.members.length;
    const meanDay = block.reduce((s, d) => s + d, 0) / block.length;
    const shareFirst = block.filter((d) => firstHalfDays.has(d)).length / block.length;
    for (const i of g.members) {
      if (!isPos(labels[i])) continue;
      positives++;
      sumDiff += days[i] - meanDay;
      if (firstHalfDays.has(days[i])) actualFirst++;
      simulatedFirst += shareFirst;
    }
  }
  return {
    daysEarlier: positives ? sumDiff / positives : NaN,
    positives,
    cases: n,
    firstHalf: {
      actual: positives ? actualFirst / positives : NaN,
      simulated: positives ? simulatedFirst / positives : NaN,
    },
  };
}

export interface ClassCount {
  n: number;
  positives: number;
}

export const RISK_CLASS_ORDER: readonly RiskClass[] = ['A', 'B', 'C', 'D'];

// Cases and positives per risk class (A 低风险 … D 高风险): where the entities that turned out risky
// had been classed beforehand.
export function classDistribution(
  items: readonly { riskClass: RiskClass; label: Label }[],
): Record<RiskClass, ClassCount> {
  const out = Object.fromEntries(RISK_CLASS_ORDER.map((c) => [c, { n: 0, positives: 0 }])) as Record<
    RiskClass,
    ClassCount
  >;
  for (const { riskClass, label } of items) {
    const c = out[riskClass];
    if (!c) throw new Error(`classDistribution: unknown risk class '${String(riskClass)}'`);
    c.n++;
    if (isPos(label)) c.positives++;
  }
  return out;
}
