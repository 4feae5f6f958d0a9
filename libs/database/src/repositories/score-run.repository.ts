import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { FLAGGED_AS_OF_SQL } from './entity.repository';
import { analyzeStale } from '../statistics';

// What a full run reads (analyzed, where stale, before it starts: the run may follow a bulk load or a
// run that rewrote every score) and what it writes (analyzed when it ends). statistics.ts.
export const RUN_INPUT_TABLES = ['entity', 'record', 'score', 'entity_risk', 'profile'] as const;
export const RUN_OUTPUT_TABLES = ['score', 'entity_risk', 'profile', 'score_run_chunk'] as const;

export type ScoreRunKind = 'full' | 'shadow';

export interface ScoreRunView {
  id: string;
  // 'full': a full run, whose scores are the entities' scores; 'shadow': a shadow run (影子评分) of the
  // candidate model `modelVersion`, whose scores are kept apart (shadow_score, ShadowScoreRepository).
  kind: ScoreRunKind;
  trigger: string;
  asOf: string;
  modelVersion: string;
  status: 'running' | 'done' | 'skipped';
  // Why a start was skipped: the full run that was running (one at a time).
  skippedReason: string | null;
  chunksTotal: number;
  chunksDone: number;
  entitiesTotal: number;
  entitiesScored: number;
  scoresChanged: number;
  summary: unknown;
  // The class-mix policy as it was when the run started (config/scoring/policy/class-mix.json); null
  // for runs started before migration 1766410000000.
  classPolicy: unknown;
  startedAt: Date;
  finishedAt: Date | null;
}

const RUN_COLUMNS = `id, kind, trigger, to_char(as_of, 'YYYY-MM-DD') AS "asOf", model_version AS "modelVersion", status,
  chunks_total AS "chunksTotal", chunks_done AS "chunksDone", entities_total AS "entitiesTotal",
  entities_scored AS "entitiesScored", scores_changed AS "scoresChanged", summary,
  started_at AS "startedAt", finished_at AS "finishedAt", skipped_reason AS "skippedReason",
  class_policy AS "classPolicy"`;

// The lock every start of a full run takes, in the api (a request) and in the worker (a start job).
const START_LOCK = `SELECT pg_advisory_xact_lock(hashtext('score-run:start'))`;
// The lock every start of a shadow run of one candidate model takes ($1: the model version).
const SHADOW_START_LOCK = `SELECT pg_advisory_xact_lock(hashtext('score-run:shadow:' || $1::text))`;
// The run that keeps another start of its kind waiting: the full run running, or the shadow run of
// the same candidate model ($1) running. Full and shadow runs do not wait for each other.
const RUNNING_FULL = `SELECT id FROM score_run WHERE status = 'running' AND kind = 'full' ORDER BY started_at DESC LIMIT 1`;
const RUNNING_SHADOW = `SELECT id FROM score_run WHERE status = 'running' AND kind = 'shadow' AND model_version = $1
  ORDER BY started_at DESC LIMIT 1`;

export function skippedReason(runningId: string): string {
  return `another full scoring run (${runningId}) was running; one runs at a time / 另一全量评分（${runningId}）正在进行，同一时间只运行一次`;
}

export function shadowSkippedReason(runningId: string, model: string): string {
  return `another shadow run of ${model} (${runningId}) was running; one per model at a time / ${model} 的另一影子评分（${runningId}）正在进行，同一模型同一时间只运行一次`;
}

// Full scoring runs: created with their chunks in one statement, so a run exists with every chunk it
// will ever have; chunks are claimed as they are saved (ScoreRepository.saveRunChunk).
@Injectable()
export class ScoreRunRepository {
  private readonly log = new Logger(ScoreRunRepository.name);

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  // Fresh planner statistics for these tables where theirs no longer fit (statistics.ts). A failure
  // is logged, never the run's: statistics only make it faster.
  async analyzeStale(tables: readonly string[]): Promise<string[]> {
    return analyzeStale(this.ds, tables).catch((e: unknown) => {
      this.log.warn(`ANALYZE ${tables.join(', ')} failed: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    });
  }

  // Creates the run over all entities in chunks of about `chunkSize` ids, unless a run with this id
  // exists already (its start job retried): then that run is returned as it is. One full run at a
  // time: while another run is running, the run is recorded as skipped (with the running run's id as
  // the reason) and has no chunks. The check holds the lock the api's start requests take
  // (withStartLock), so two start jobs on two workers cannot both pass it.
  async create(run: {
    id: string;
    trigger: string;
    asOf: string;
    modelVersion: string;
    chunkSize: number;
    // What flags an entity for its related parties (the profile's definition, from the model).
    flag: { severePenaltyTypes: readonly string[]; longWindowMonths: number };
    // The class-mix policy the run's mix is judged against (kept with the run).
    classPolicy?: unknown;
    // 'shadow': a shadow run of the candidate `modelVersion` (waits only for a shadow run of the same
    // model); default 'full'.
    kind?: ScoreRunKind;
  }): Promise<{
    created: boolean;
    chunks: { chunkNo: number; fromId: string; toId: string }[];
    skippedFor?: string;
  }> {
    const kind = run.kind ?? 'full';
    await this.analyzeStale(RUN_INPUT_TABLES);
    const res = await this.ds.transaction(async (em) => {
      if (kind === 'shadow') await em.query(SHADOW_START_LOCK, [run.modelVersion]);
      else await em.query(START_LOCK);
      const [existing] = (await em.query(`SELECT status FROM score_run WHERE id = $1`, [run.id])) as {
        status: string;
      }[];
      if (!existing) {
        const [other] = (
          kind === 'shadow'
            ? await em.query(RUNNING_SHADOW, [run.modelVersion])
            : await em.query(RUNNING_FULL)
        ) as { id: string }[];
        if (other) {
          await em.query(
            `INSERT INTO score_run (id, kind, trigger, as_of, model_version, status, chunks_total, entities_total,
                                    skipped_reason, finished_at)
             VALUES ($1, $6, $2, $3, $4, 'skipped', 0, 0, $5, now())`,
            [
              run.id,
              run.trigger,
              run.asOf,
              run.modelVersion,
              kind === 'shadow' ? shadowSkippedReason(other.id, run.modelVersion) : skippedReason(other.id),
              kind,
            ],
          );
          return { created: false, chunks: [], skippedFor: other.id };
        }
      } else if (existing.status === 'skipped') return { created: false, chunks: [] };
      const inserted: unknown[] = await em.query(
        `WITH chunks AS (
           SELECT (chunk)::int AS chunk_no, min(id) AS from_id, max(id) AS to_id, count(*)::int AS n
             FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / $5 AS chunk FROM entity) t GROUP BY chunk
         ),
         r AS (
           INSERT INTO score_run (id, trigger, as_of, model_version, chunks_total, entities_total, class_policy, kind)
           SELECT $1, $2, $3, $4, count(*), coalesce(sum(n), 0), $6::jsonb, $7 FROM chunks
           ON CONFLICT (id) DO NOTHING
           RETURNING id
         )
         INSERT INTO score_run_chunk (run_id, chunk_no, from_id, to_id)
         SELECT r.id, c.chunk_no, c.from_id, c.to_id FROM r, chunks c
         RETURNING 1`,
        [
          run.id,
          run.trigger,
          run.asOf,
          run.modelVersion,
          run.chunkSize,
          run.classPolicy === undefined ? null : JSON.stringify(run.classPolicy),
          kind,
        ],
      );
      // The related-party flags as of the run's date, from the records, committed with the run itself.
      if (inserted.length)
        await em.query(
          `INSERT INTO score_run_flagged (run_id, entity_id)
           SELECT $4::uuid, f.entity_id FROM (${FLAGGED_AS_OF_SQL}) f
           ON CONFLICT DO NOTHING`,
          [run.asOf, [...run.flag.severePenaltyTypes], run.flag.longWindowMonths, run.id],
        );
      const [{ exists }] = await em.query(`SELECT count(*)::int AS exists FROM score_run WHERE id = $1`, [
        run.id,
      ]);
      if (!exists) throw new Error(`score run ${run.id} could not be created`);
      const chunks = await em.query(
        `SELECT chunk_no AS "chunkNo", from_id::text AS "fromId", to_id::text AS "toId"
           FROM score_run_chunk WHERE run_id = $1 AND done_at IS NULL ORDER BY chunk_no`,
        [run.id],
      );
      return { created: inserted.length > 0, chunks };
    });
    // Every chunk looks its candidates up in the run's snapshot and claims its row of score_run_chunk.
    if (res.created) await this.analyzeStale(['score_run_flagged', 'score_run_chunk']);
    return res;
  }

  // The region codes of entities (by id), for narrowing a run's top movers to a caller's jurisdiction.
  async regionsOf(entityIds: string[]): Promise<Map<string, string | null>> {
    if (!entityIds.length) return new Map();
    const rows = (await this.ds.query(
      `SELECT id::text AS id, region_code AS "regionCode" FROM entity WHERE id = ANY($1::bigint[])`,
      [entityIds],
    )) as { id: string; regionCode: string | null }[];
    return new Map(rows.map((r) => [r.id, r.regionCode]));
  }

  // A run with no entities has no chunks: it is done as soon as it exists.
  async finishEmpty(id: string): Promise<void> {
    await this.ds.query(
      `UPDATE score_run SET status = 'done', finished_at = now(),
              summary = '{"scoresWritten": 0, "unchanged": 0, "classDistribution": {}, "movedClass": 0, "transitions": {}, "topMovers": []}'
        WHERE id = $1 AND status = 'running' AND chunks_total = 0 AND kind = 'full'`,
      [id],
    );
  }

  // The chunks not done yet of every run still running that started more than `seconds` ago (what
  // the worker's sweep makes sure has a job: Redis may have lost them).
  async openChunks(
    seconds: number,
  ): Promise<{ runId: string; kind: ScoreRunKind; chunkNo: number; fromId: string; toId: string }[]> {
    return this.ds.query(
      `SELECT c.run_id AS "runId", r.kind, c.chunk_no AS "chunkNo", c.from_id::text AS "fromId", c.to_id::text AS "toId"
         FROM score_run r JOIN score_run_chunk c ON c.run_id = r.id AND c.done_at IS NULL
        WHERE r.status = 'running' AND r.started_at < now() - make_interval(secs => $1)
        ORDER BY r.started_at, c.chunk_no`,
      [seconds],
    );
  }

  async isChunkDone(runId: string, chunkNo: number): Promise<boolean> {
    const rows = await this.ds.query(
      `SELECT 1 FROM score_run_chunk WHERE run_id = $1 AND chunk_no = $2 AND done_at IS NOT NULL`,
      [runId, chunkNo],
    );
    return rows.length > 0;
  }

  // Runs `fn` holding the lock every request to start a full run takes (a transaction-scoped advisory
  // lock, so it is shared by every api process and released even if the process dies), with the run
  // that is running now, if any: checking for a run and queueing one happen as one step.
  async withStartLock<T>(fn: (running: { id: string } | undefined) => Promise<T>): Promise<T> {
    return this.ds.transaction(async (em) => {
      await em.query(START_LOCK);
      const [running] = (await em.query(RUNNING_FULL)) as { id: string }[];
      return fn(running);
    });
  }

  // The same for a shadow run of the candidate `model`: one per model at a time, whatever full run or
  // shadow run of another model is running.
  async withShadowStartLock<T>(
    model: string,
    fn: (running: { id: string } | undefined) => Promise<T>,
  ): Promise<T> {
    return this.ds.transaction(async (em) => {
      await em.query(SHADOW_START_LOCK, [model]);
      const [running] = (await em.query(RUNNING_SHADOW, [model])) as { id: string }[];
      return fn(running);
    });
  }

  async get(id: string): Promise<ScoreRunView | undefined> {
    const rows = await this.ds.query(`SELECT ${RUN_COLUMNS} FROM score_run WHERE id = $1`, [id]);
    return rows[0];
  }

  async list(limit: number, before?: Date): Promise<ScoreRunView[]> {
    return this.ds.query(
      `SELECT ${RUN_COLUMNS} FROM score_run WHERE ($2::timestamptz IS NULL OR started_at < $2)
        ORDER BY started_at DESC LIMIT $1`,
      [limit, before ?? null],
    );
  }
}
