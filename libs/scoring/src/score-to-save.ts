import type { ScoreToSave, ScoringRecord } from '@lianjian/database';
import { hash } from 'node:crypto';
import type { EntitySnapshot, StoredRecord } from '@lianjian/domain';
import { storedFeatures, type RelatedPartySignals } from './profile/profile';
import { scoreEntity, slimFactors, topFactors } from './scorecard/scorecard';
import type { Scorecard } from './scorecard/scorecard.schema';

const NO_RELATED: RelatedPartySignals = {
  sameLegalRepFlagged: 0,
  sameAddressFlagged: 0,
  sameLegalRepEntities: 0,
  sameAddressEntities: 0,
};

// One entity's score as it is stored: profile and scorecard as of `asOf`, factors and features slim
// (labels and zeros come back when read), and the inputs hash stored with it (what the score was
// computed from; whether a row is written is decided on the outcome, ScoreRepository.insertScores).
// Shared by the scoring service and bench:score's chunk replay.
// A full run loads its records without their origin (ScoringRecord: no source, source record id or
// department), which the profile and the scorecard do not read; score-to-save.spec holds them to it.
export function scoreToSave(
  entity: EntitySnapshot,
  records: readonly ScoringRecord[],
  related: RelatedPartySignals | undefined,
  asOf: string,
  model: Scorecard,
  trigger: string,
): ScoreToSave {
  const { profile, result } = scoreEntity(
    { entity, records: records as readonly StoredRecord[], related: related ?? NO_RELATED, asOf },
    model,
  );
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
    features: storedFeatures(profile.features),
    inputsHash: inputsHash(result.modelVersion, asOf, profile.features),
    trigger,
    regionCode: entity.regionCode,
    industryCode: entity.industryCode,
  };
}

// Same model, same day, same features ⇒ the same hash. computeProfile builds `features` in one fixed
// key order, so plain JSON.stringify is canonical here; the sorting canonical JSON of records was
// the largest single cost of a chunk's CPU (9% of it) for no gain.
export function inputsHash(
  modelVersion: string,
  asOf: string,
  features: Readonly<Record<string, number>>,
): string {
  return hash('sha256', `${modelVersion}\n${asOf}\n${JSON.stringify(features)}`, 'base64url');
}
