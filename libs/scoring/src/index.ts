// @lianjian/scoring — the pure scoring core: point-in-time profiles (信用画像) and transparent,
// versioned scorecards (评分卡), with no Nest or database imports (profile/, scorecard/); plus the
// Nest ScoringService shell that wraps them. Unit tests import the pure files directly.

export {
  computeProfile,
  DEFAULT_INDUSTRY_RISK,
  DEFAULT_PROFILE_CONFIG,
  FEATURE_CATALOGUE,
  FEATURE_GROUPS,
  FEATURE_NAMES,
  allFeatures,
  storedFeatures,
  industryRiskLevel,
  entityTypeFlags,
  SEVERE_PENALTY_TYPES,
} from './profile/profile';
export type {
  DepartmentFineTable,
  FeatureGroup,
  FeatureInfo,
  IndustryRiskLevel,
  IndustryRiskRule,
  Profile,
  ProfileConfig,
  ProfileInput,
  RelatedPartySignals,
} from './profile/profile';
export {
  createScorecardSchema,
  FACTOR_TRANSFORMS,
  loadScorecard,
  SCORECARD_V1_PATH,
} from './scorecard/scorecard.schema';
export type {
  FactorTransform,
  Scorecard,
  ScorecardFactor,
  ScorecardFloor,
  ScorecardCalibration,
} from './scorecard/scorecard.schema';
export {
  classForScore,
  compareScores,
  profileConfigFor,
  scoreEntity,
  scoreProfile,
  topFactors,
  slimFactors,
  describeFactors,
  rankScore,
  scoreProbability,
} from './scorecard/scorecard';
export type {
  AppliedFloor,
  FactorContribution,
  FactorDelta,
  ScoreComparison,
  ScoreResult,
  StoredFactor,
} from './scorecard/scorecard';
export { ScoringService } from './scoring.service';
export { scoreToSave } from './score-to-save';
export { ScoringModels, loadConfigModels, type ConfigModel } from './scoring-models.service';
export {
  auc,
  baseRate,
  classDistribution,
  daysEarlier,
  liftAt,
  precisionAt,
  RISK_CLASS_ORDER,
  topCount,
} from './evaluation/metrics';
export type { ClassCount, DaysEarlierResult, Label, ScheduledCase } from './evaluation/metrics';
export { summarizeBacktest } from './evaluation/backtest';
export type { BacktestSummary, ScoredCase } from './evaluation/backtest';
export {
  adverseRecordsIn,
  isAdverseRecord,
  isNonCompliantInspection,
  shiftDays,
  shiftMonths,
} from './evaluation/labels';
export { isRelatedPartyFlagged, partiesAsOf, RelatedPartyIndex, relatedSignals } from './evaluation/related';
export type { PartiesAsOf, RelatedPartyInput } from './evaluation/related';
export {
  chooseL2,
  fitLogistic,
  fitLogisticWithSigns,
  L2_GRID,
  meanLogLoss,
  predictLogit,
  sigmoid,
} from './fit/logistic';
export type { Fitter, L2Choice, LogisticModel, LogisticOptions, SignedFit } from './fit/logistic';
export {
  applyTransform,
  choosePdo,
  defaultTransform,
  designFactors,
  designRow,
  expectedSign,
  fittedScorecard,
  PDO_CANDIDATES,
  transformed,
} from './fit/scorecard-fit';
export type { DesignOptions, FactorDesign, FittedScorecardInput } from './fit/scorecard-fit';
export {
  brierScore,
  classMix,
  fitPlatt,
  plattProbability,
  plattScoreFor,
  reliabilityTable,
  thresholdsForPolicy,
} from './calibration/calibration';
export type {
  ClassMixReport,
  PlattCalibration,
  ReliabilityBin,
  ThresholdCase,
} from './calibration/calibration';
export { CLASS_POLICY_PATH, classPolicySchema, loadClassPolicy } from './calibration/class-policy';
export type { ClassPolicy } from './calibration/class-policy';
export { loadModelCard, MODEL_CARDS_DIR, modelCardSchema } from './calibration/model-card';
export type { ModelCard } from './calibration/model-card';
export { loadConfigCards, loadConfigPolicy } from './scoring-models.service';
export { runClassMix } from './calibration/run-mix';
export { fitIndustryTable } from './fit/industry-table';
export type { FittedIndustry, IndustryCase, IndustryTableOptions } from './fit/industry-table';
export { fitFineTable } from './fit/fine-table';
export type { FineTableOptions, FittedFineTable } from './fit/fine-table';
