import type { LocalizedText } from '@lianjian/domain';
import type { FactorTransform, Scorecard, ScorecardFactor } from '../scorecard/scorecard.schema';
import type { LogisticModel } from './logistic';

// From a logistic regression to a scorecard (评分卡) a person can read and check by hand.
//
// The regression is fitted on exactly the quantities the scorecard computes: for each factor the
// profile feature x, put through one of the scorecard's transforms (binary, log1p, linear) and clipped
// at c (t = min(transform(x), c)). The scorecard applies `points × transform(x)` limited to ±cap,
// and with cap = |points| × c that is points × min(transform(x), c) for the non-negative features of
// the profile: the scorecard's raw score is then an exact affine image of the model's log-odds,
//
//   score = anchor + (PDO / ln 2) × (logit(p) − logit(base rate))
//   ⇒ points_j   = (PDO / ln 2) × β_j
//     basePoints = anchor + (PDO / ln 2) × (β_0 − logit(base rate))
//
// (the usual "points to double the odds" scaling): PDO more points = twice the odds of the adverse
// outcome. The anchor is the base model's class-B threshold, so the class thresholds keep a stated
// meaning: below B the odds are under the base rate's (class A, 低风险); B, C and D start at 1×,
// 2^((C−B)/PDO)× and 2^((D−B)/PDO)× the base-rate odds (4× and 16× with B 25, C 45, D 65, PDO 10).
// Rounding (points to 4 decimals, the score to 1) and the 0–100 clamp are the only departures; the
// PDO is chosen so that the clamp touches at most 1% of the training cases. Floors are policy, not
// learned: they are carried over from the base model unchanged, as are the profile settings and the
// industry risk table.

export interface FactorDesign {
  feature: string;
  transform: FactorTransform;
  clipAt: number | null; // upper clip of the transformed value; null for binary factors
  maxValue: number; // largest transformed, clipped value seen in training
}

// 0/1 flags of the profile.
const BINARY = new Set([
  'newly_established',
  'entity_status_abnormal',
  'last_inspection_failed',
  'premises_high_risk',
  'on_abnormal_list',
  'on_serious_violation_list',
  'ever_serious_violation',
  'on_court_defaulter_list',
  'on_tax_violation_list',
  // 许可经营项目
  'licensed_alcohol',
  'licensed_alcohol_on_premises',
  'licensed_tobacco',
]);
// Levels and durations whose effect is plausibly proportional; every other feature is a count, an
// amount or a decayed sum, where log1p keeps one extreme entity from dominating.
const LINEAR = new Set([
  'age_years',
  'industry_risk_level',
  'days_since_last_inspection',
  'adverse_trend_12m',
  'licensed_activities_count',
]);

// Features whose direction is not settled in advance: age, size, time since the last inspection and
// how often an entity has been inspected can go either way. Every other feature is an adverse signal
// (a failure, a penalty, a listing, arrears, a complaint, a flagged related party, a change of
// representative …) or a risk level, and may only ADD points: +1 for fitLogisticWithSigns.
const EITHER_WAY = new Set([
  'age_years',
  'newly_established',
  'registered_capital_10k',
  'days_since_last_inspection',
  'inspections_36m',
  'clean_inspections_36m', // inspections with nothing found: usually lower risk, but also more often inspected
  'adverse_trend_12m', // given the counts of the last 12 months, the trend's own direction is an open question
  // 许可经营项目: what an entity is licensed to do is not in itself an adverse signal
  'licensed_activities_count',
  'licensed_alcohol',
  'licensed_alcohol_on_premises',
  'licensed_tobacco',
]);

export function expectedSign(feature: string): 1 | 0 {
  return EITHER_WAY.has(feature) ? 0 : 1;
}

export function defaultTransform(feature: string): FactorTransform {
  return BINARY.has(feature) ? 'binary' : LINEAR.has(feature) ? 'linear' : 'log1p';
}

// The scorecard's own transforms (scorecard.ts), reproduced so that the fit sees what scoring sees.
export function applyTransform(value: number, transform: FactorTransform): number {
  switch (transform) {
    case 'binary':
      return value > 0 ? 1 : 0;
    case 'log1p':
      return Math.log1p(Math.max(0, value));
    case 'linear':
      return value;
  }
}

export function transformed(value: number, design: FactorDesign): number {
  const t = applyTransform(Number.isFinite(value) ? value : 0, design.transform);
  return design.clipAt === null ? t : Math.min(t, design.clipAt);
}

export interface DesignOptions {
  clipQuantile?: number; // of the non-zero transformed values; default 0.99
  transforms?: Partial<Record<string, FactorTransform>>;
}

// One design per feature that varies in the training rows; features with a single value cannot be
// estimated and are returned in `dropped`.
export function designFactors(
  rows: readonly Readonly<Record<string, number>>[],
  features: readonly string[],
  opts: DesignOptions = {},
): { designs: FactorDesign[]; dropped: { feature: string; reason: string }[] } {
  const q = opts.clipQuantile ?? 0.99;
  const designs: FactorDesign[] = [];
  const dropped: { feature: string; reason: string }[] = [];
  for (const feature of features) {
    const transform = opts.transforms?.[feature] ?? defaultTransform(feature);
    const values = rows.map((r) => applyTransform(r[feature] ?? 0, transform));
    const first = values[0];
    if (values.every((v) => v === first)) {
      dropped.push({ feature, reason: `constant (${first}) in the training cases` });
      continue;
    }
    let clipAt: number | null = null;
    if (transform !== 'binary') {
      const positive = values.filter((v) => v > 0).sort((a, b) => a - b);
      if (positive.length) clipAt = positive[Math.max(0, Math.ceil(q * positive.length) - 1)];
    }
    const maxValue = Math.max(...values.map((v) => (clipAt === null ? v : Math.min(v, clipAt))));
    designs.push({ feature, transform, clipAt, maxValue });
  }
  return { designs, dropped };
}

export function designRow(
  features: Readonly<Record<string, number>>,
  designs: readonly FactorDesign[],
): number[] {
  return designs.map((d) => transformed(features[d.feature] ?? 0, d));
}

const logit = (p: number): number => Math.log(p / (1 - p));
const round = (x: number, digits: number): number => {
  const k = 10 ** digits;
  return Math.round(x * k) / k || 0;
};

export const PDO_CANDIDATES: readonly number[] = [20, 15, 12, 10, 8, 6, 5, 4, 3, 2];

// The largest PDO (finest resolution) whose scores of the training cases leave the score range for at
// most `maxClampedShare` of them. `logits` are the fitted model's log-odds of those cases.
export function choosePdo(
  logits: readonly number[],
  baseRate: number,
  anchor: number,
  range: { min: number; max: number },
  maxClampedShare = 0.01,
  candidates: readonly number[] = PDO_CANDIDATES,
): { pdo: number; clampedShare: number } {
  const ref = logit(baseRate);
  let last = { pdo: candidates[candidates.length - 1], clampedShare: 1 };
  for (const pdo of [...candidates].sort((a, b) => b - a)) {
    const k = pdo / Math.LN2;
    const out = logits.filter((l) => {
      const s = anchor + k * (l - ref);
      return s < range.min || s > range.max;
    }).length;
    last = { pdo, clampedShare: logits.length ? out / logits.length : 0 };
    if (last.clampedShare <= maxClampedShare) return last;
  }
  return last;
}

export interface FittedScorecardInput {
  base: Scorecard; // the current model: floors, thresholds, range, profile settings, industry table
  designs: readonly FactorDesign[];
  model: Pick<LogisticModel, 'intercept' | 'coefficients'>; // coefficients aligned with `designs`
  baseRate: number; // of the training cases
  pdo: number;
  modelVersion: string;
  name: LocalizedText;
  description: LocalizedText;
  minContribution?: number; // factors that can never move the score by this much are left out; 0.05
}

// How one unit of the transformed value reads, for the rationale.
const UNIT_TEXT: Record<FactorTransform, { zh: string; en: string }> = {
  binary: { zh: '为“是”时', en: 'when yes' },
  log1p: { zh: 'ln(1+值)每增加1', en: 'per unit of ln(1+value)' },
  linear: { zh: '值每增加1', en: 'per unit of the value' },
};

export function fittedScorecard(input: FittedScorecardInput): {
  scorecard: Scorecard;
  dropped: { feature: string; reason: string }[];
  pointsPerLogit: number;
} {
  const { base, designs, model, baseRate, pdo } = input;
  if (designs.length !== model.coefficients.length)
    throw new Error(
      `fittedScorecard: ${designs.length} factor designs but ${model.coefficients.length} coefficients`,
    );
  if (!(baseRate > 0 && baseRate < 1))
    throw new Error(`fittedScorecard: base rate must be in (0, 1), got ${baseRate}`);
  if (!(pdo > 0)) throw new Error(`fittedScorecard: pdo must be positive, got ${pdo}`);
  const k = pdo / Math.LN2;
  const anchor = base.classThresholds.B;
  const minContribution = input.minContribution ?? 0.05;
  const factors: ScorecardFactor[] = [];
  const dropped: { feature: string; reason: string }[] = [];
  designs.forEach((d, j) => {
    const beta = model.coefficients[j];
    const points = round(k * beta, 4);
    const reach = Math.abs(points) * d.maxValue;
    if (!(reach >= minContribution)) {
      dropped.push({
        feature: d.feature,
        reason: `negligible: at most ${round(reach, 3)} points (β=${round(beta, 5)})`,
      });
      return;
    }
    const factor: ScorecardFactor = { feature: d.feature, points, transform: d.transform };
    if (d.clipAt !== null) factor.cap = round(Math.abs(points) * d.clipAt, 2);
    const odds = round(Math.exp(beta), 3);
    const unit = UNIT_TEXT[d.transform];
    const clip = d.clipAt === null ? '' : `；超过 ${round(d.clipAt, 4)} 按 ${round(d.clipAt, 4)} 计`;
    const clipEn = d.clipAt === null ? '' : `; clipped at ${round(d.clipAt, 4)}`;
    factor.rationale =
      `拟合系数 β=${round(beta, 5)}：${unit.zh}风险几率 ×${odds}${clip} / ` +
      `fitted β=${round(beta, 5)}: odds ×${odds} ${unit.en}${clipEn}`;
    factors.push(factor);
  });
  const scorecard: Scorecard = {
    modelVersion: input.modelVersion,
    name: input.name,
    description: input.description,
    basePoints: round(anchor + k * (model.intercept - logit(baseRate)), 2),
    factors,
    floors: base.floors.map((f) => ({ ...f })),
    classThresholds: { ...base.classThresholds },
    scoreRange: { ...base.scoreRange },
    industryRisk: base.industryRisk.map((r) => ({ ...r })),
    ...(base.profile ? { profile: structuredClone(base.profile) } : {}),
  };
  return { scorecard, dropped, pointsPerLogit: k };
}
