import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RiskClass } from '@lianjian/domain';
import {
  brierScore,
  type ClassMixReport,
  type ClassPolicy,
  classMix,
  fitPlatt,
  loadClassPolicy,
  loadModelCard,
  type ModelCard,
  plattProbability,
  plattScoreFor,
  type ReliabilityBin,
  reliabilityTable,
  RISK_CLASS_ORDER,
  type Scorecard,
  type ScorecardCalibration,
  thresholdsForPolicy,
} from '@lianjian/scoring';
import { UsageError } from '../../apps/cli/src/command';
import { round, type ScoredEvalCase } from './backtest';

// Calibration, class thresholds, class mix and model cards for `npm run fit` and `npm run eval`
// (libs/scoring/src/calibration holds the maths).

export const POLICY_FILE = 'config/scoring/policy/class-mix.json';
export const CARDS_DIR = 'config/scoring/cards';

export function readPolicy(file = POLICY_FILE): ClassPolicy {
  try {
    return loadClassPolicy(JSON.parse(readFileSync(file, 'utf8')));
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message} (分类结构政策无效)`);
  }
}

const RANK: Record<RiskClass, number> = { A: 0, B: 1, C: 2, D: 3 };

// The lowest class a case's floors allow.
function floorClass(x: ScoredEvalCase): RiskClass {
  let c: RiskClass = 'A';
  for (const f of x.result.floorsApplied) if (RANK[f.minClass] > RANK[c]) c = f.minClass;
  return c;
}

// A Platt calibration of `model`'s raw scores on the training cases, and class cut points set on the
// calibrated probability so that the training cases follow the policy's mix (after the floors). The
// cut points are score points (the class follows the score as displayed), each the raw score where the
// probability reaches its threshold, rounded up to 0.1; probabilityThresholds are the probabilities
// at those cut points.
export function calibrate(
  model: Scorecard,
  train: readonly ScoredEvalCase[],
  policy: ClassPolicy,
  history: { outcome: string; fittedOn: string; horizonMonths?: number },
): { classThresholds: Scorecard['classThresholds']; calibration: ScorecardCalibration } {
  const labels = train.map((t) => t.c.label);
  const platt = fitPlatt(
    train.map((t) => t.result.rawScore),
    labels,
  );
  const pThresholds = thresholdsForPolicy(
    train.map((t) => ({
      probability: plattProbability(platt, t.result.rawScore),
      floorClass: floorClass(t),
    })),
    policy,
  );
  const { min, max } = model.scoreRange;
  const cut = (p: number) =>
    p >= 1 ? max : Math.min(max, Math.max(min + 0.1, Math.ceil(plattScoreFor(platt, p) * 10 - 1e-9) / 10));
  const B = cut(pThresholds.B);
  const C = Math.max(cut(pThresholds.C), round(B + 0.1, 1)!);
  const D = Math.min(max, Math.max(cut(pThresholds.D), round(C + 0.1, 1)!));
  const a = round(platt.a, 6)!;
  const b = round(platt.b, 6)!;
  const at = (s: number) => round(plattProbability({ method: 'platt', a, b }, s), 6)!;
  return {
    classThresholds: { B, C, D },
    calibration: {
      method: 'platt',
      a,
      b,
      outcome: history.outcome,
      ...(history.horizonMonths ? { horizonMonths: history.horizonMonths } : {}),
      fittedOn: history.fittedOn,
      cases: train.length,
      positives: labels.filter((l) => l === 1).length,
      policy: policy.id,
      probabilityThresholds: { B: at(B), C: at(C), D: at(D) },
    },
  };
}

export interface CalibrationFigures {
  brier: number | null;
  reliability: ReliabilityBin[];
}

// The reliability table by decile and the Brier score of a calibrated model on these cases; null
// figures for a model without a calibration.
export function calibrationFigures(model: Scorecard, scored: readonly ScoredEvalCase[]): CalibrationFigures {
  const c = model.calibration;
  if (!c || !scored.length) return { brier: null, reliability: [] };
  const p = scored.map((x) => plattProbability(c, x.result.rawScore));
  const labels = scored.map((x) => x.c.label);
  return { brier: round(brierScore(p, labels), 5), reliability: reliabilityTable(p, labels, 10) };
}

export function mixOf(scored: readonly ScoredEvalCase[], policy: ClassPolicy): ClassMixReport {
  const counts: Record<string, number> = { A: 0, B: 0, C: 0, D: 0 };
  for (const x of scored) counts[x.result.riskClass]++;
  return classMix(counts, policy);
}

const pct = (x: number, d = 1) => `${(100 * x).toFixed(d)}%`;

export function printCalibration(
  model: Scorecard,
  scored: readonly ScoredEvalCase[],
  figures: CalibrationFigures,
  mix: ClassMixReport,
  log: (line: string) => void,
): void {
  const base = scored.length ? scored.filter((x) => x.c.label === 1).length / scored.length : NaN;
  if (!model.calibration)
    log(
      `  calibration 概率校准: ${model.modelVersion} has none (no probability, no reliability table, no Brier score)`,
    );
  else {
    const c = model.calibration;
    log(
      `  calibration 概率校准: Platt, p = σ(${c.a} + ${c.b} × raw score), fitted on ${c.fittedOn} (${c.cases} cases); ` +
        `outcome: ${c.outcome}`,
    );
    log('  reliability by decile 分位可靠性表 (predicted vs observed):');
    log('    decile        n   predicted    observed   range of predictions');
    for (const r of figures.reliability)
      log(
        `    ${String(r.bin).padStart(6)} ${String(r.n).padStart(8)} ${pct(r.predicted).padStart(11)} ${pct(r.observed).padStart(11)}   ` +
          `${pct(r.minPredicted)}–${pct(r.maxPredicted)}`,
      );
    log(
      `  Brier score ${figures.brier?.toFixed(5) ?? '—'} (base rate only: ${Number.isNaN(base) ? '—' : (base * (1 - base)).toFixed(5)})`,
    );
  }
  log(
    `  class mix 分类结构 (policy ${mix.policy}): ` +
      RISK_CLASS_ORDER.map(
        (k) => `${k} ${pct(mix.shares[k])} [${pct(mix.bands[k].min, 0)}–${pct(mix.bands[k].max, 0)}]`,
      ).join(', ') +
      (mix.flagged
        ? ` — DRIFTS beyond policy 超出政策区间: ${mix.drift.map((d) => d.riskClass).join(', ')}`
        : ' — within policy 符合政策'),
  );
}

export function calibrationJson(figures: CalibrationFigures, mix: ClassMixReport) {
  return {
    brier: figures.brier,
    reliability: figures.reliability.map((r) => ({
      decile: r.bin,
      n: r.n,
      predicted: round(r.predicted),
      observed: round(r.observed),
    })),
    classMix: mix.shares,
    classMixFlagged: mix.flagged,
  };
}

// --- model cards -------------------------------------------------------------------------------------

export const cardFile = (version: string) => join(CARDS_DIR, `${version}.json`);

export function readCard(version: string): ModelCard | undefined {
  const file = cardFile(version);
  if (!existsSync(file)) return undefined;
  return loadModelCard(JSON.parse(readFileSync(file, 'utf8')));
}

export function writeCard(card: ModelCard): string {
  const file = cardFile(card.modelVersion);
  writeFileSync(file, `${JSON.stringify(loadModelCard(card), null, 2)}\n`);
  return file;
}

// The factors that contribute most on average over these cases (mean points), the card's top factors.
export function topFactorsOf(
  model: Scorecard,
  scored: readonly ScoredEvalCase[],
  n = 10,
): ModelCard['topFactors'] {
  const sum = new Map<string, number>();
  for (const x of scored)
    for (const f of x.result.factors) sum.set(f.name, (sum.get(f.name) ?? 0) + f.points);
  const labels = new Map(scored[0]?.result.factors.map((f) => [f.name, f.label]) ?? []);
  return model.factors
    .map((f) => ({ f, mean: (sum.get(f.feature) ?? 0) / Math.max(1, scored.length) }))
    .filter((x) => x.mean > 0)
    .sort((x, y) => y.mean - x.mean)
    .slice(0, n)
    .map(({ f, mean }) => ({
      feature: f.feature,
      label: f.label ?? labels.get(f.feature) ?? { zh: f.feature, en: f.feature },
      points: f.points,
      maxPoints: f.cap ?? null,
      transform: f.transform ?? 'linear',
      rationale: `${f.rationale ? `${f.rationale}; ` : ''}mean ${round(mean, 2)} points over the training cases`,
    }));
}

export function evaluationEntry(
  dataset: string,
  cases: string,
  s: {
    n: number;
    positives: number;
    auc: number;
    precisionAt10: number;
    schedule: { daysEarlier: number } | null;
  },
  figures: CalibrationFigures,
  mix: ClassMixReport,
): ModelCard['evaluations'][number] {
  return {
    dataset,
    cases,
    n: s.n,
    positives: s.positives,
    auc: round(s.auc),
    precisionAt10: round(s.precisionAt10),
    daysEarlier: round(s.schedule?.daysEarlier, 2),
    brier: figures.brier,
    classMix: mix.shares,
    measuredAt: new Date().toISOString().slice(0, 10),
  };
}

// The card's evaluations with this one in place of an earlier one on the same data set.
export function withEvaluation(card: ModelCard, e: ModelCard['evaluations'][number]): ModelCard {
  return { ...card, evaluations: [...card.evaluations.filter((x) => x.dataset !== e.dataset), e] };
}
