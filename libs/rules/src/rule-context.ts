import type { EntitySnapshot, StoredRecord } from '@lianjian/domain';

// A score change as the nightly job reports it to class_change rules.
export interface ScoreChange {
  previousClass?: string | null; // null or absent: the entity's first score
  riskClass: string;
  score: number;
}

// Everything a rule may look at when it is evaluated.
export interface RuleEvaluationContext {
  record?: StoredRecord;
  entity: EntitySnapshot;
  profile?: Record<string, number>;
  score?: ScoreChange;
  now: string; // YYYY-MM-DD, the evaluation date (entity.ageDays is counted to it)
}
