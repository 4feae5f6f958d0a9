import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  BatchRepository,
  EntityRepository,
  RecordRepository,
  ScoreRepository,
  type SavedScore,
} from '@lianjian/database';
import { contentHash, type EntitySnapshot, type StoredRecord } from '@lianjian/domain';
import { todayInShanghai } from '@lianjian/common';
import { JobName, JobQueue, type ScoreTrigger } from '@lianjian/queue';
import { loadScorecard, type Scorecard } from './scorecard/scorecard.schema';
import { scoreEntity, topFactors } from './scorecard/scorecard';
import type { RelatedPartySignals } from './profile/profile';

// Where a score is computed: loads entities and their records, runs the pure profile + scorecard,
// stores scores with every factor's contribution, and asks the rules to look at class changes.
@Injectable()
export class ScoringService {
  private readonly log = new Logger(ScoringService.name);
  readonly model: Scorecard;

  constructor(
    private readonly entities: EntityRepository,
    private readonly records: RecordRepository,
    private readonly scores: ScoreRepository,
    private readonly jobs: JobQueue,
    private readonly batches: BatchRepository,
    config: ConfigService,
  ) {
    const file = join(
      config.getOrThrow<string>('CONFIG_DIR'),
      config.get<string>('SCORING_MODEL') ?? 'scoring/scorecard-v1.json',
    );
    this.model = loadScorecard(JSON.parse(readFileSync(file, 'utf8')));
  }

  async scoreEntities(ids: string[], trigger: ScoreTrigger, asOf = todayInShanghai()): Promise<SavedScore[]> {
    const ents = await this.entities.findByIds(ids);
    return this.scoreLoaded(ents, await this.records.forEntities(ids), trigger, asOf);
  }

  // Every entity a batch touched, 500 at a time.
  async scoreBatch(batchId: string, asOf = todayInShanghai()): Promise<number> {
    const ids = await this.batches.touchedEntityIds(batchId);
    for (let i = 0; i < ids.length; i += 500) await this.scoreEntities(ids.slice(i, i + 500), 'record', asOf);
    return ids.length;
  }

  async scoreRange(
    fromId: string,
    toId: string,
    trigger: ScoreTrigger,
    asOf = todayInShanghai(),
  ): Promise<SavedScore[]> {
    const ents = await this.entities.findRange(fromId, toId);
    return this.scoreLoaded(ents, await this.records.forEntityRange(fromId, toId), trigger, asOf);
  }

  private async scoreLoaded(
    ents: EntitySnapshot[],
    records: Map<string, StoredRecord[]>,
    trigger: ScoreTrigger,
    asOf: string,
  ): Promise<SavedScore[]> {
    if (!ents.length) return [];
    const related = await this.entities.relatedPartySignals(ents.map((e) => e.id));
    const toSave = ents.map((entity) => {
      const rel: RelatedPartySignals = related.get(entity.id) ?? {
        sameLegalRepFlagged: 0,
        sameAddressFlagged: 0,
      };
      const { profile, result } = scoreEntity(
        { entity, records: records.get(entity.id) ?? [], related: rel, asOf },
        this.model,
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
        factors: result.factors,
        floors: result.floorsApplied,
        topFactors: topFactors(result, 3).map((f) => ({
          name: f.name,
          label: f.label,
          value: f.value,
          points: f.points,
        })),
        features: profile.features,
        // Same model, same day, same features ⇒ the same score: not stored twice.
        inputsHash: contentHash({ m: result.modelVersion, asOf, f: profile.features }),
        trigger,
        regionCode: entity.regionCode,
        industryCode: entity.industryCode,
      };
    });
    const saved = await this.scores.saveMany(toSave);
    const moved = saved.filter((s) => s.previousClass && s.previousClass !== s.riskClass);
    if (moved.length)
      await this.jobs.addBulk(
        JobName.EvaluateScoreChange,
        moved.map((s) => ({ data: { scoreId: s.scoreId }, opts: { jobId: `score-change-${s.scoreId}` } })),
      );
    this.log.debug(
      `scored ${ents.length} entities (${saved.length} new scores, ${moved.length} moved class)`,
    );
    return saved;
  }
}
