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
  industryRiskLevel,
  SEVERE_PENALTY_TYPES,
} from './profile/profile';
export type {
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
} from './scorecard/scorecard.schema';
export {
  classForScore,
  compareScores,
  profileConfigFor,
  scoreEntity,
  scoreProfile,
  topFactors,
} from './scorecard/scorecard';
export type {
  AppliedFloor,
  FactorContribution,
  FactorDelta,
  ScoreComparison,
  ScoreResult,
} from './scorecard/scorecard';
export { ScoringService } from './scoring.service';
