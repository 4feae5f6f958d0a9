import type { RiskClass } from '@lianjian/domain';
import {
  auc,
  baseRate,
  type ClassCount,
  classDistribution,
  daysEarlier,
  type DaysEarlierResult,
  type Label,
  liftAt,
  precisionAt,
} from './metrics';

// One backtest case: an entity scored as of a past date, and what happened afterwards.
export interface ScoredCase {
  score: number;
  riskClass: RiskClass;
  label: Label;
  // An inspection that actually took place after the scoring date (its date and whether it found the
  // violation looked for), for the days-earlier simulation; cases without one take no part in it.
  inspection?: { date: string; label: Label };
}

export interface BacktestSummary {
  n: number;
  positives: number;
  baseRate: number;
  auc: number;
  precisionAt5: number;
  precisionAt10: number;
  liftAt5: number;
  liftAt10: number;
  classes: Record<RiskClass, ClassCount>; // all cases and positives per class
  schedule: DaysEarlierResult | null; // null when no case carries an inspection
}

export function summarizeBacktest(cases: readonly ScoredCase[]): BacktestSummary {
  const scores = cases.map((c) => c.score);
  const labels = cases.map((c) => c.label);
  const inspected = cases.flatMap((c) =>
    c.inspection ? [{ date: c.inspection.date, label: c.inspection.label, score: c.score }] : [],
  );
  return {
    n: cases.length,
    positives: labels.filter((l) => l === 1 || l === true).length,
    baseRate: baseRate(labels),
    auc: auc(scores, labels),
    precisionAt5: precisionAt(scores, labels, 0.05),
    precisionAt10: precisionAt(scores, labels, 0.1),
    liftAt5: liftAt(scores, labels, 0.05),
    liftAt10: liftAt(scores, labels, 0.1),
    classes: classDistribution(cases),
    schedule: inspected.length ? daysEarlier(inspected) : null,
  };
}
