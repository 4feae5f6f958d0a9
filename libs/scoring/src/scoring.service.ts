import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  BatchRepository,
  EntityRepository,
  RUN_OUTPUT_TABLES,
  RecordRepository,
  RUN_MIN_SCORE_CHANGE,
  ScoreRepository,
  ScoreRunRepository,
  ShadowScoreRepository,
  type SavedScore,
  type ScoreToSave,
} from '@lianjian/database';
import type { EntitySnapshot, StoredRecord } from '@lianjian/domain';
import { METRICS, NO_METRICS, todayInShanghai, type Metrics } from '@lianjian/common';
import { JobName, JobQueue, type ScoreRunTrigger, type ScoreTrigger } from '@lianjian/queue';
import type { Scorecard } from './scorecard/scorecard.schema';
import { ScoringModels } from './scoring-models.service';
import { scoreToSave } from './score-to-save';
import { SEVERE_PENALTY_TYPES } from './profile/profile';
import { profileConfigFor, rankScore, scoreProbability } from './scorecard/scorecard';
import { runClassMix } from './calibration/run-mix';

// Where a score is computed: loads entities and their records, runs the pure profile + scorecard,
// stores scores with every factor's contribution, and asks the rules to look at class changes.
// The related-party flag a run snapshots as of its date (score_run_flagged), with its model's window.
const runFlag = (model: Scorecard) => ({
  severePenaltyTypes: [...SEVERE_PENALTY_TYPES],
  longWindowMonths: profileConfigFor(model).longWindowMonths,
});

@Injectable()
export class ScoringService {
  private readonly log = new Logger(ScoringService.name);
  // A full run writes a new score row when class, floors or model changed, or the score moved by at
  // least this many points (SCORE_RUN_MIN_CHANGE, the worker's configuration; ScoreRepository).
  private readonly runMinScoreChange: number;

  constructor(
    private readonly entities: EntityRepository,
    private readonly records: RecordRepository,
    private readonly scores: ScoreRepository,
    private readonly jobs: JobQueue,
    private readonly batches: BatchRepository,
    private readonly runs: ScoreRunRepository,
    readonly models: ScoringModels,
    private readonly shadow: ShadowScoreRepository,
    @Optional() @Inject(METRICS) private readonly metrics: Metrics = NO_METRICS,
    @Optional() config?: ConfigService,
  ) {
    this.runMinScoreChange = config?.get<number>('SCORE_RUN_MIN_CHANGE') ?? RUN_MIN_SCORE_CHANGE;
  }

  async scoreEntities(ids: string[], trigger: ScoreTrigger, asOf = todayInShanghai()): Promise<SavedScore[]> {
    const ents = await this.entities.findByIds(ids);
    return this.scoreLoaded(
      ents,
      await this.records.forEntities(ids),
      trigger,
      asOf,
      await this.models.active(),
    );
  }

  // Every entity a batch touched, 500 at a time.
  async scoreBatch(batchId: string, asOf = todayInShanghai()): Promise<number> {
    const ids = await this.batches.touchedEntityIds(batchId);
    const model = await this.models.active();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const ents = await this.entities.findByIds(chunk);
      await this.scoreLoaded(ents, await this.records.forEntities(chunk), 'record', asOf, model);
    }
    return ids.length;
  }

  // A full run (全量评分) fans out in chunks of entity ids across every worker serving the scoring
  // queue. Starting it again with the same id (a retried start job) enqueues the chunks not done yet
  // and creates nothing new; chunk job ids make enqueueing idempotent too.
  async startRun(
    runId: string,
    trigger: ScoreRunTrigger,
    asOf = todayInShanghai(),
  ): Promise<{ created: boolean; chunks: number; skipped?: true }> {
    const model = await this.models.active();
    const { created, chunks, skippedFor } = await this.runs.create({
      id: runId,
      trigger,
      asOf,
      modelVersion: model.modelVersion,
      chunkSize: ScoringService.RUN_CHUNK,
      flag: runFlag(model),
      classPolicy: this.models.policy(),
    });
    if (skippedFor) {
      this.log.warn(`score run ${runId} (${trigger}) skipped: run ${skippedFor} is running`);
      return { created: false, chunks: 0, skipped: true };
    }
    if (created && !chunks.length) await this.runs.finishEmpty(runId);
    await this.jobs.addBulk(
      JobName.ScoreChunk,
      chunks.map((c) => ({ data: { runId, ...c }, opts: { jobId: `run-${runId}-${c.chunkNo}` } })),
    );
    if (created) this.log.log(`score run ${runId} (${trigger}, as of ${asOf}): ${chunks.length} chunks`);
    return { created, chunks: chunks.length };
  }

  private static readonly RUN_CHUNK = 500;

  // A shadow run (影子评分): the candidate model `shadowModel` scores every entity as of the run's
  // date, in chunks as a full run does and by the same point-in-time rules (the profile as of that
  // day, the related-party flags as they were that day: score_run_flagged), its scores kept apart
  // (shadow_score). It waits for nothing but another shadow run of the same model (a full run goes
  // on beside it); a retried start job creates nothing new.
  async startShadowRun(
    runId: string,
    shadowModel: string,
    asOf = todayInShanghai(),
  ): Promise<{ created: boolean; chunks: number; skipped?: true }> {
    const model = await this.models.byVersion(shadowModel);
    const { created, chunks, skippedFor } = await this.runs.create({
      id: runId,
      kind: 'shadow',
      trigger: 'manual',
      asOf,
      modelVersion: model.modelVersion,
      chunkSize: ScoringService.RUN_CHUNK,
      flag: runFlag(model),
      classPolicy: this.models.policy(),
    });
    if (skippedFor) {
      this.log.warn(`shadow run ${runId} of ${shadowModel} skipped: shadow run ${skippedFor} is running`);
      return { created: false, chunks: 0, skipped: true };
    }
    if (created && !chunks.length) await this.shadow.finishEmpty(runId);
    await this.jobs.addBulk(
      JobName.ScoreShadowChunk,
      chunks.map((c) => ({ data: { runId, ...c }, opts: { jobId: `shadow-${runId}-${c.chunkNo}` } })),
    );
    if (created)
      this.log.log(`shadow run ${runId} of ${shadowModel} (as of ${asOf}): ${chunks.length} chunks`);
    return { created, chunks: chunks.length };
  }

  // One chunk of a shadow run: scored with the candidate, saved into shadow_score with its claim.
  // No score, risk or profile row is written, no rule is asked, no metric of scores written moves.
  async scoreShadowChunk(c: {
    runId: string;
    chunkNo: number;
    fromId: string;
    toId: string;
  }): Promise<number> {
    if (await this.runs.isChunkDone(c.runId, c.chunkNo)) return 0;
    const run = await this.runs.get(c.runId);
    if (!run) throw new Error(`score run ${c.runId} does not exist`);
    if (run.kind !== 'shadow') throw new Error(`score run ${c.runId} is not a shadow run`);
    const model = await this.models.byVersion(run.modelVersion);
    const ents = await this.entities.findRange(c.fromId, c.toId);
    const computed = await this.computeScores(
      ents,
      await this.records.forEntityRange(c.fromId, c.toId),
      'shadow',
      run.asOf,
      model,
      c.runId,
    );
    const rows = computed.map((s) => ({
      entityId: s.entityId,
      modelVersion: s.modelVersion,
      asOf: s.asOf,
      score: s.score,
      rawScore: s.rawScore,
      rankScore: rankScore(s),
      floorLift: s.floorLift,
      classBeforeFloors: s.classBeforeFloors,
      riskClass: s.riskClass,
      probability: scoreProbability(model, s.rawScore),
      floors: s.floors,
    }));
    const res = await this.shadow.saveChunk(rows, { runId: c.runId, chunkNo: c.chunkNo });
    if (!res.claimed) return 0;
    if (res.runDone) {
      const done = await this.runs.get(c.runId);
      const moved = (done?.summary as { movedClass?: number } | null)?.movedClass;
      this.log.log(
        `shadow run ${c.runId} of ${run.modelVersion} done: ${run.entitiesTotal} entities, ${moved ?? '?'} in another class than the active model's`,
      );
      await this.runs.analyzeStale(['shadow_score']);
    }
    return rows.length;
  }

  // Runs do not depend on Redis keeping their jobs: every chunk not done of a run started more than
  // `seconds` ago gets its job again if Redis lost it (restarted empty) or it failed for good. Chunks
  // are claimed exactly once (saveRunChunk), so a chunk queued twice is still scored once.
  async resumeRuns(seconds: number): Promise<number> {
    const open = await this.runs.openChunks(seconds);
    const job = ({ kind: _kind, ...c }: (typeof open)[number]) => c;
    const full = await this.jobs.ensureJobs(
      JobName.ScoreChunk,
      open
        .filter((c) => c.kind !== 'shadow')
        .map((c) => ({ data: job(c), opts: { jobId: `run-${c.runId}-${c.chunkNo}` } })),
    );
    // A shadow run's chunks are jobs of their own name (never scored into the entities' scores).
    const shadow = await this.jobs.ensureJobs(
      JobName.ScoreShadowChunk,
      open
        .filter((c) => c.kind === 'shadow')
        .map((c) => ({ data: job(c), opts: { jobId: `shadow-${c.runId}-${c.chunkNo}` } })),
    );
    return full + shadow;
  }

  // One chunk of a run: scored, then saved together with its claim. A chunk done already is skipped
  // (checked first to save the work, and again under the claim, which is what makes it exactly once).
  async scoreRunChunk(c: { runId: string; chunkNo: number; fromId: string; toId: string }): Promise<number> {
    if (await this.runs.isChunkDone(c.runId, c.chunkNo)) return 0;
    const run = await this.runs.get(c.runId);
    if (!run) throw new Error(`score run ${c.runId} does not exist`);
    // A shadow run's scores never become the entities' scores, whichever job name its chunk came by.
    if (run.kind === 'shadow') return this.scoreShadowChunk(c);
    const model = await this.models.byVersion(run.modelVersion);
    // The chunk's reads are independent but for the related parties, which need the entity ids: the
    // records (the largest) load on one pooled connection while the entities and then their related
    // parties load on another, so a chunk waits for the longer of the two, not for their sum.
    const [records, [ents, related]] = await Promise.all([
      this.records.forScoringRange(c.fromId, c.toId),
      this.entities.findRange(c.fromId, c.toId).then(
        async (found) =>
          [
            found,
            await this.entities.relatedPartySignals(
              found.map((e) => e.id),
              c.runId,
            ),
          ] as const,
      ),
    ]);
    const toSave = ents.map((entity) =>
      scoreToSave(entity, records.get(entity.id) ?? [], related.get(entity.id), run.asOf, model, 'full-run'),
    );
    const res = await this.scores.saveRunChunk(
      toSave,
      { runId: c.runId, chunkNo: c.chunkNo },
      this.runMinScoreChange,
    );
    if (!res.claimed) return 0;
    await this.afterSave(res.saved);
    if (res.runDone) {
      const done = await this.runs.get(c.runId);
      this.log.log(
        `score run ${c.runId} done: ${run.entitiesTotal} entities, ${done?.scoresChanged ?? '?'} new score rows, ` +
          `${done ? done.entitiesScored - done.scoresChanged : '?'} unchanged (checked, no row written)`,
      );
      const mix = done && runClassMix(done.summary, done.classPolicy);
      if (mix?.flagged)
        this.log.warn(
          `score run ${c.runId}: the class mix of ${run.modelVersion} drifts beyond policy ${mix.policy}: ` +
            mix.drift
              .map((d) => `${d.riskClass} ${(100 * d.share).toFixed(1)}% (${100 * d.min}–${100 * d.max}%)`)
              .join(', '),
        );
      // A full run rewrote every entity's profile, and the scores and risk rows that changed: the next
      // queries on them (the risk list, the next run) are planned on statistics that say so (tables
      // that barely changed are left as they are, analyzeStale).
      await this.runs.analyzeStale(RUN_OUTPUT_TABLES);
    }
    return toSave.length;
  }

  private async scoreLoaded(
    ents: EntitySnapshot[],
    records: Map<string, StoredRecord[]>,
    trigger: ScoreTrigger,
    asOf: string,
    model: Scorecard,
  ): Promise<SavedScore[]> {
    if (!ents.length) return [];
    const saved = await this.scores.saveMany(await this.computeScores(ents, records, trigger, asOf, model));
    await this.afterSave(saved);
    this.log.debug(`scored ${ents.length} entities (${saved.length} new scores)`);
    return saved;
  }

  private async computeScores(
    ents: EntitySnapshot[],
    records: Map<string, StoredRecord[]>,
    trigger: ScoreTrigger | 'shadow',
    asOf: string,
    model: Scorecard,
    runId?: string,
  ): Promise<ScoreToSave[]> {
    if (!ents.length) return [];
    // With a run: the related-party flags of the run's snapshot (score_run_flagged), as of its date.
    const related = await this.entities.relatedPartySignals(
      ents.map((e) => e.id),
      runId,
    );
    const toSave = ents.map((entity) =>
      scoreToSave(entity, records.get(entity.id) ?? [], related.get(entity.id), asOf, model, trigger),
    );
    return toSave;
  }

  // Scores that changed go to the rules (class_change and score_crosses triggers): one job per save,
  // so a chunk of a nightly run is one job, not 500. First scores have nothing to change from.
  private async afterSave(saved: SavedScore[]): Promise<void> {
    this.metrics.scoresWritten(saved.length);
    const changed = saved.filter(
      (s) =>
        s.previousClass !== null &&
        s.previousScore !== null &&
        (s.previousClass !== s.riskClass || s.previousScore !== s.score),
    );
    if (changed.length)
      await this.jobs.add(
        JobName.EvaluateScores,
        {
          scores: changed.map((s) => [
            s.scoreId,
            s.entityId,
            s.previousClass!,
            s.riskClass,
            s.previousScore!,
            s.score,
          ]),
        },
        { jobId: `scores-${changed[0].scoreId}-${changed.length}` },
      );
  }
}
