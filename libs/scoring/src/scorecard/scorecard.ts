import type { LocalizedText, RiskClass } from '@lianjian/domain';
import {
  computeProfile,
  DEFAULT_PROFILE_CONFIG,
  FEATURE_CATALOGUE,
  type FeatureGroup,
  type Profile,
  type ProfileConfig,
  type ProfileInput,
} from '../profile/profile';
import type { FactorTransform, Scorecard, ScorecardFloor } from './scorecard.schema';
import { plattProbability } from '../calibration/calibration';

export interface FactorContribution {
  name: string; // the feature
  group: FeatureGroup | 'other'; // 'other' only for features outside FEATURE_CATALOGUE
  label: LocalizedText;
  value: number; // the profile's feature value (before transform)
  points: number; // rounded to 2 decimals, after the cap
  capped: boolean;
}

export interface AppliedFloor {
  id: string;
  label: LocalizedText;
  minClass: RiskClass;
}

export interface ScoreResult {
  modelVersion: string;
  asOf: string;
  basePoints: number;
  rawScore: number; // basePoints + Σ factors[].points, exactly (to 2 decimals)
  score: number; // rawScore clamped to the model's scoreRange, 1 decimal, then lifted by floorLift
  // Points a floor added to reach its class threshold: a floored D entity never ranks below a C entity
  // on the risk list, and basePoints + Σ points + floorLift still explains the score.
  floorLift: number;
  classBeforeFloors: RiskClass;
  riskClass: RiskClass;
  floorsApplied: AppliedFloor[]; // every floor whose condition holds, whether or not it raised the class
  factors: FactorContribution[]; // every factor of the model, in model order, zero points included
}

const CLASS_RANK: Record<RiskClass, number> = { A: 0, B: 1, C: 2, D: 3 };
const maxClass = (a: RiskClass, b: RiskClass): RiskClass => (CLASS_RANK[b] > CLASS_RANK[a] ? b : a);

// Work in hundredths so that the points shown add up to the raw score with no float drift.
const cents = (x: number): number => Math.round(x * 100);

function transformValue(value: number, transform: FactorTransform): number {
  switch (transform) {
    case 'binary':
      return value > 0 ? 1 : 0;
    case 'log1p':
      return Math.log1p(Math.max(0, value));
    case 'linear':
      return value;
  }
}

function floorHolds(floor: ScorecardFloor, value: number): boolean {
  switch (floor.op) {
    case 'gte':
      return value >= floor.value;
    case 'gt':
      return value > floor.value;
    case 'eq':
      return value === floor.value;
  }
}

interface CompiledFactor {
  name: string;
  points: number;
  cap: number; // Infinity when uncapped
  transform: FactorTransform;
  group: FactorContribution['group'];
  label: LocalizedText;
}

// Labels and groups resolved once per model, not once per entity (the nightly job scores millions).
const compiledModels = new WeakMap<Scorecard, CompiledFactor[]>();
function compileFactors(model: Scorecard): CompiledFactor[] {
  let compiled = compiledModels.get(model);
  if (!compiled) {
    compiled = model.factors.map((factor) => {
      const info = FEATURE_CATALOGUE[factor.feature];
      return {
        name: factor.feature,
        points: factor.points,
        cap: factor.cap ?? Infinity,
        transform: factor.transform ?? 'linear',
        group: info?.group ?? 'other',
        label: factor.label ?? info?.label ?? { zh: factor.feature, en: factor.feature },
      };
    });
    compiledModels.set(model, compiled);
  }
  return compiled;
}

export function classForScore(score: number, thresholds: Scorecard['classThresholds']): RiskClass {
  if (score >= thresholds.D) return 'D';
  if (score >= thresholds.C) return 'C';
  if (score >= thresholds.B) return 'B';
  return 'A';
}

export function scoreProfile(profile: Profile, model: Scorecard): ScoreResult {
  // A feature absent from the profile (e.g. a profile stored before the feature existed) counts as 0.
  const valueOf = (name: string): number => {
    const v = profile.features[name];
    return typeof v === 'number' && Number.isFinite(v) ? v : 0;
  };

  let totalCents = cents(model.basePoints);
  const factors = compileFactors(model).map((factor): FactorContribution => {
    const value = valueOf(factor.name);
    let points = factor.points * transformValue(value, factor.transform);
    const capped = Math.abs(points) > factor.cap;
    if (capped) points = Math.sign(points) * factor.cap;
    const pointCents = cents(points) || 0; // no -0 on screen
    totalCents += pointCents;
    return {
      name: factor.name,
      group: factor.group,
      label: factor.label,
      value,
      points: pointCents / 100,
      capped,
    };
  });

  const rawScore = totalCents / 100;
  const { min, max } = model.scoreRange;
  // Class follows the score as displayed, so the number and the class on screen never disagree.
  const pointsScore = Math.round(Math.min(max, Math.max(min, rawScore)) * 10) / 10;
  const classBeforeFloors = classForScore(pointsScore, model.classThresholds);

  let riskClass = classBeforeFloors;
  const floorsApplied: AppliedFloor[] = [];
  for (const floor of model.floors) {
    if (!floorHolds(floor, valueOf(floor.feature))) continue;
    floorsApplied.push({ id: floor.id, label: floor.label, minClass: floor.minClass });
    riskClass = maxClass(riskClass, floor.minClass);
  }
  const threshold = riskClass === 'A' ? min : model.classThresholds[riskClass];
  const score = Math.max(pointsScore, threshold);
  const floorLift = Math.round((score - pointsScore) * 10) / 10;

  return {
    modelVersion: model.modelVersion,
    asOf: profile.asOf,
    basePoints: model.basePoints,
    rawScore,
    score,
    floorLift,
    classBeforeFloors,
    riskClass,
    floorsApplied,
    factors,
  };
}

// The risk list's order key (排序分), continuous where the score is not: the raw score (basePoints +
// Σ factor points, the exact sum of the points shown, not capped at scoreRange.max), or, when a floor
// lifted the score to its class threshold, that lifted score. It orders exactly as the score does
// wherever the scores differ (the score is the raw score clamped to the range and rounded to 0.1), and
// breaks the ties the clamp makes: many entities are over 100 points, all shown as 100. The same
// definition is written by ScoreRepository (entity_risk.rank_score) and migration 1766410000000.
export function rankScore(r: Pick<ScoreResult, 'rawScore' | 'score' | 'floorLift'>): number {
  return r.floorLift > 0 ? r.score : r.rawScore;
}

// The calibrated probability of an adverse finding within the model's horizon for a raw score, or
// null for a model without a calibration (scorecard-v1). A floor raises the class, not the
// probability: the probability is what the points say.
export function scoreProbability(model: Pick<Scorecard, 'calibration'>, rawScore: number): number | null {
  const c = model.calibration;
  if (!c) return null;
  return Math.round(plattProbability(c, rawScore) * 1_000_000) / 1_000_000;
}

// The profile settings a model asks for: `base` (DEFAULT_PROFILE_CONFIG), overridden by the model's
// `profile` section; the industry risk table is always the model's own.
export function profileConfigFor(
  model: Scorecard,
  base: ProfileConfig = DEFAULT_PROFILE_CONFIG,
): ProfileConfig {
  const o = model.profile ?? {};
  const pick = <T>(v: T | undefined, d: T): T => (v === undefined ? d : v);
  const hl = o.halfLifeDays ?? {};
  return {
    halfLifeDays: {
      inspection: pick(hl.inspection, base.halfLifeDays.inspection),
      penalty: pick(hl.penalty, base.halfLifeDays.penalty),
      complaint: pick(hl.complaint, base.halfLifeDays.complaint),
      obligation: pick(hl.obligation, base.halfLifeDays.obligation),
    },
    shortWindowMonths: pick(o.shortWindowMonths, base.shortWindowMonths),
    longWindowMonths: pick(o.longWindowMonths, base.longWindowMonths),
    largeFineCny: pick(o.largeFineCny, base.largeFineCny),
    newlyEstablishedMonths: pick(o.newlyEstablishedMonths, base.newlyEstablishedMonths),
    maxDaysSinceInspection: pick(o.maxDaysSinceInspection, base.maxDaysSinceInspection),
    industryRisk: model.industryRisk, // what the JSON shows is what counts; [] = all default level
    defaultIndustryRiskLevel: pick(o.defaultIndustryRiskLevel, base.defaultIndustryRiskLevel),
    // The model's own fine table, or none (fine_relative_decayed 0), like the industry table.
    ...(model.departmentFines ? { departmentFines: model.departmentFines } : {}),
  };
}

// Profile and score in one call, with the profile settings the model asks for.
export function scoreEntity(
  input: ProfileInput,
  model: Scorecard,
): { profile: Profile; result: ScoreResult } {
  const profile = computeProfile(input, profileConfigFor(model));
  return { profile, result: scoreProfile(profile, model) };
}

// The factors pushing the score up most (largest positive points first; model order breaks ties).
export function topFactors(result: ScoreResult, n = 3): FactorContribution[] {
  return result.factors
    .filter((c) => c.points > 0)
    .sort((a, b) => b.points - a.points)
    .slice(0, n);
}

export interface FactorDelta {
  name: string;
  label: LocalizedText;
  before: { value: number; points: number };
  after: { value: number; points: number };
  pointsDelta: number;
}

export interface ScoreComparison {
  scoreDelta: number;
  classBefore: RiskClass;
  classAfter: RiskClass;
  classChanged: boolean;
  modelChanged: boolean;
  floorsAdded: AppliedFloor[];
  floorsRemoved: AppliedFloor[];
  factors: FactorDelta[]; // by |pointsDelta| descending, unchanged factors omitted
}

// "Why did it move?": the factor and floor differences between two scores of one entity.
export function compareScores(before: ScoreResult, after: ScoreResult): ScoreComparison {
  const names: string[] = [];
  const b = new Map(before.factors.map((c) => [c.name, c]));
  const a = new Map(after.factors.map((c) => [c.name, c]));
  for (const c of [...after.factors, ...before.factors]) if (!names.includes(c.name)) names.push(c.name);

  const factors: FactorDelta[] = [];
  for (const name of names) {
    const cb = b.get(name);
    const ca = a.get(name);
    const deltaCents = cents(ca?.points ?? 0) - cents(cb?.points ?? 0);
    if (deltaCents === 0) continue;
    factors.push({
      name,
      label: (ca ?? cb)?.label ?? { zh: name, en: name },
      before: { value: cb?.value ?? 0, points: cb?.points ?? 0 },
      after: { value: ca?.value ?? 0, points: ca?.points ?? 0 },
      pointsDelta: deltaCents / 100,
    });
  }
  factors.sort((x, y) => Math.abs(y.pointsDelta) - Math.abs(x.pointsDelta));

  const beforeIds = new Set(before.floorsApplied.map((fl) => fl.id));
  const afterIds = new Set(after.floorsApplied.map((fl) => fl.id));
  return {
    scoreDelta: Math.round((after.score - before.score) * 10) / 10,
    classBefore: before.riskClass,
    classAfter: after.riskClass,
    classChanged: before.riskClass !== after.riskClass,
    modelChanged: before.modelVersion !== after.modelVersion,
    floorsAdded: after.floorsApplied.filter((fl) => !beforeIds.has(fl.id)),
    floorsRemoved: before.floorsApplied.filter((fl) => !afterIds.has(fl.id)),
    factors,
  };
}

// Stored factors carry only what varies per entity; labels and groups belong to the model version
// and are added back when a score is read (a chunk of 500 scores was 3.2 MB of JSON with them). A
// factor with value 0 and 0 points (most factors of most entities) is not stored at all: the model
// version lists its factors, so reading puts it back. Stored JSON is parsed by PostgreSQL on every
// save, and this keeps a chunk's payload a third of what it was.
export interface StoredFactor {
  name: string;
  value: number;
  points: number;
  capped?: boolean;
}

export function slimFactors(factors: readonly FactorContribution[]): StoredFactor[] {
  const out: StoredFactor[] = [];
  for (const f of factors) {
    if (f.value === 0 && f.points === 0 && !f.capped) continue;
    out.push(
      f.capped
        ? { name: f.name, value: f.value, points: f.points, capped: true }
        : { name: f.name, value: f.value, points: f.points },
    );
  }
  return out;
}

// A stored factor list with the model's labels and groups, in the model's order, with the factors
// stored as absent (value 0, 0 points) put back; entries stored with a label keep it, and entries the
// model does not know (or every entry, when the model is unknown) follow with the catalogue's labels.
export function describeFactors(
  model: Scorecard,
  stored: readonly (StoredFactor & Partial<FactorContribution>)[],
  complete = true,
): FactorContribution[] {
  const compiled = compileFactors(model);
  const info = new Map(compiled.map((f) => [f.name, f]));
  const byName = new Map(stored.map((f) => [f.name, f]));
  const describe = (f: StoredFactor & Partial<FactorContribution>): FactorContribution => {
    const i = info.get(f.name);
    const catalogue = FEATURE_CATALOGUE[f.name];
    return {
      name: f.name,
      group: f.group ?? i?.group ?? catalogue?.group ?? 'other',
      label: f.label ?? i?.label ?? catalogue?.label ?? { zh: f.name, en: f.name },
      value: f.value,
      points: f.points,
      capped: f.capped ?? false,
    };
  };
  // A selection (the top factors of the risk list) is described as stored, not completed with zeros.
  if (!complete) return stored.map(describe);
  const inModel = compiled.map((c) => describe(byName.get(c.name) ?? { name: c.name, value: 0, points: 0 }));
  const rest = stored.filter((f) => !info.has(f.name)).map(describe);
  return [...inModel, ...rest];
}
