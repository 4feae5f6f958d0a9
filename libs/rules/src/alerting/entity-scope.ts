import { Injectable } from '@nestjs/common';
import { EntityRepository, RecordRepository, ScoreRepository } from '@lianjian/database';
import type { EntitySnapshot, StoredRecord } from '@lianjian/domain';
import { allFeatures } from '@lianjian/scoring';
import type { RuleDefinition } from '../rule-definition.schema';
import { usesHistory } from '../rule-evaluation';

// What rules about an entity may read of it.
export interface EntityScope {
  entity: EntitySnapshot;
  profile?: Record<string, number>; // every feature
  history?: readonly StoredRecord[]; // only when a rule names history.* fields
}

// Loads what rules about entities may read, once for many of them: the entities, their profiles
// and, when one of the rules names history.* fields, their records.
@Injectable()
export class EntityScopeLoader {
  constructor(
    private readonly entities: EntityRepository,
    private readonly scores: ScoreRepository,
    private readonly records: RecordRepository,
  ) {}

  // A look-up by entity id; undefined for an entity that does not exist (any more).
  async load(
    entityIds: readonly string[],
    rules: readonly RuleDefinition[],
  ): Promise<(id: string) => EntityScope | undefined> {
    const ids = [...new Set(entityIds)];
    if (!ids.length) return () => undefined;
    const entities = new Map((await this.entities.findByIds(ids)).map((e) => [e.id, e]));
    const profiles = await this.scores.profiles(ids);
    const histories = rules.some(usesHistory) ? await this.records.forEntities(ids) : undefined;
    return (id) => {
      const entity = entities.get(id);
      if (!entity) return undefined;
      const stored = profiles.get(id);
      return {
        entity,
        profile: stored && allFeatures(stored),
        history: histories && (histories.get(id) ?? []),
      };
    };
  }
}
