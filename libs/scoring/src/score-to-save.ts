import type { ScoreToSave } from '@lianjian/database';
import { contentHash, type EntitySnapshot, type StoredRecord } from '@lianjian/domain';
import type { RelatedPartySignals } from './profile/profile';
import { scoreEntity, slimFactors, topFactors } from './scorecard/scorecard';
import type { Scorecard } from './scorecard/scorecard.schema';

const NO_RELATED: RelatedPartySignals = { sameLegalRepFlagged: 0, sameAddressFlagged: 0 };

// One entity's score as it is stored: profile and scorecard as of `asOf`, factors slim (labels come
// back from the model version when read), and the inputs hash that keeps an unchanged score from
// being stored twice. Shared by the scoring service and bench:score's chunk replay.
export function scoreToSave(
  entity: EntitySnapshot,
  records: StoredRecord[],
  related: RelatedPartySignals | undefined,
  asOf: string,
  model: Scorecard,
  trigger: string,
): ScoreToSave {
  const { profile, result } = scoreEntity({ entity, records, related: related ?? NO_RELATED, asOf }, model);
  return {
    entityId: entity.id,
    modelVersion: result.modelVersion,
    asOf,
    score: result.score,
    basePoints: result.basePoints,
    rawScore: result.rawScore,
    floorLift: result.floorLift,
    classBeforeFloors: result.classBeforeFloors,
    riskClass: result.riskClass,
    factors: slimFactors(result.factors),
    floors: result.floorsApplied,
    topFactors: slimFactors(topFactors(result, 3)),
    features: profile.features,
    // Same model, same day, same features ⇒ the same score: not stored twice.
    inputsHash: contentHash({ m: result.modelVersion, asOf, f: profile.features }),
    trigger,
    regionCode: entity.regionCode,
    industryCode: entity.industryCode,
  };
}
