import type { RiskClass } from './risk-filter';

// The factor contributions of a score as a waterfall that adds up (评分构成): base points, then each
// factor's points, then what the model's score range and rounding took off, then the floor's lift,
// ending on the score. `adds` checks the API's own figures: base + Σ factors = rawScore, and
// clamp(rawScore) rounded to 1 decimal + floorLift = score.
export interface ScoreParts {
  score: number;
  basePoints: number;
  rawScore: number;
  floorLift: number;
  factors: readonly { name: string; label: { zh: string; en: string }; points: number }[];
}

export type StepKind = 'base' | 'factor' | 'range' | 'floor' | 'total';
export interface Step {
  kind: StepKind;
  name: string;
  label?: { zh: string; en: string };
  from: number; // the running sum before this step
  to: number; // and after
  points: number;
}

export interface Waterfall {
  steps: Step[];
  factorSum: number;
  rangeAdjust: number; // clamp to the score range and rounding (0 for most scores)
  sum: number; // base + Σ factors + rangeAdjust + floorLift
  adds: boolean;
  zeroFactors: number; // factors with no points, left out of the chart
}

const r2 = (n: number) => Math.round(n * 100) / 100;

export function scoreWaterfall(s: ScoreParts, range = { min: 0, max: 100 }): Waterfall {
  const steps: Step[] = [{ kind: 'base', name: 'base', from: 0, to: s.basePoints, points: s.basePoints }];
  let run = s.basePoints;
  // Largest contributions first (either sign), as staff read them.
  const moving = s.factors
    .filter((f) => f.points !== 0)
    .sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
  for (const f of moving) {
    const to = r2(run + f.points);
    steps.push({ kind: 'factor', name: f.name, label: f.label, from: run, to, points: f.points });
    run = to;
  }
  const factorSum = r2(moving.reduce((t, f) => t + f.points, 0));
  const clamped = Math.round(Math.min(range.max, Math.max(range.min, s.rawScore)) * 10) / 10;
  const rangeAdjust = r2(clamped - run);
  if (rangeAdjust !== 0) {
    steps.push({ kind: 'range', name: 'range', from: run, to: clamped, points: rangeAdjust });
    run = clamped;
  }
  if (s.floorLift !== 0)
    steps.push({ kind: 'floor', name: 'floor', from: run, to: r2(run + s.floorLift), points: s.floorLift });
  steps.push({ kind: 'total', name: 'score', from: 0, to: s.score, points: s.score });
  const sum = r2(s.basePoints + factorSum + rangeAdjust + s.floorLift);
  const adds = Math.abs(s.basePoints + factorSum - s.rawScore) < 0.01 && Math.abs(sum - s.score) < 0.01;
  return { steps, factorSum, rangeAdjust, sum, adds, zeroFactors: s.factors.length - moving.length };
}

// Bands of the classes over the score axis, from the model's thresholds (B, C, D: the lowest score
// of each class), for the score history chart.
export function classBands(
  thresholds: { B: number; C: number; D: number },
  range = { min: 0, max: 100 },
): { cls: RiskClass; from: number; to: number }[] {
  return [
    { cls: 'A', from: range.min, to: thresholds.B },
    { cls: 'B', from: thresholds.B, to: thresholds.C },
    { cls: 'C', from: thresholds.C, to: thresholds.D },
    { cls: 'D', from: thresholds.D, to: range.max },
  ];
}

// The thresholds and range of a model definition (GET /api/v1/scoring-models/{version}), when it
// has them in the expected shape.
export function modelScale(
  definition: unknown,
): { thresholds: { B: number; C: number; D: number }; range: { min: number; max: number } } | undefined {
  const d = definition as {
    classThresholds?: Record<string, unknown>;
    scoreRange?: Record<string, unknown>;
  } | null;
  const t = d?.classThresholds;
  if (!t || ![t.B, t.C, t.D].every((v) => typeof v === 'number')) return undefined;
  const r = d?.scoreRange;
  const range =
    r && typeof r.min === 'number' && typeof r.max === 'number'
      ? { min: r.min, max: r.max }
      : { min: 0, max: 100 };
  return { thresholds: { B: t.B as number, C: t.C as number, D: t.D as number }, range };
}

// Class colours (A green … D red), for tags and charts alike.
// Solid tags with white text (antd's preset light tags, green text on pale green, are 3:1 and fail
// WCAG AA): the 8th shade of each hue, ≥ 5.5:1 against white.
export const CLASS_TAG: Record<RiskClass, string> = {
  A: '#237804',
  B: '#0958d9',
  C: '#ad4e00',
  D: '#a8071a',
};
export const CLASS_COLOR: Record<RiskClass, string> = {
  A: '#389e0d',
  B: '#0958d9',
  C: '#d46b08',
  D: '#cf1322',
};
