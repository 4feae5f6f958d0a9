import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { returningRows } from '../returning-rows';

// Shadow scoring (影子评分): the scores a candidate model gives in a shadow run, kept apart from the
// entities' scores (shadow_score, migration 1766500000000). Nothing here writes score, entity_risk or
// profile, and nothing queues a rule: a shadow score is never an entity's score.

export type ShadowClass = 'A' | 'B' | 'C' | 'D';
const CLASSES: readonly ShadowClass[] = ['A', 'B', 'C', 'D'];

export interface ShadowScoreToSave {
  entityId: string;
  modelVersion: string;
  asOf: string;
  score: number;
  rawScore: number;
  // The risk list's order key as a full run would write it (the floor-lifted score, else the raw score).
  rankScore: number;
  floorLift: number;
  classBeforeFloors: string;
  riskClass: string;
  // The calibrated probability (null for a model without a calibration).
  probability: number | null;
  floors: unknown;
}

// The class flows (分类流向) of a shadow run within a scope: each entity's active class (its current
// score when the run finished) against the class the candidate gave it.
export interface ClassFlows {
  entitiesScored: number; // shadow scores in the scope
  compared: number; // of which the entity had an active score
  withoutActiveScore: number; // never scored by the active model: not compared
  changedClass: number; // compared entities the candidate puts in another class
  toHigherRisk: number; // … in a class of higher risk (A→B, B→D, …)
  toLowerRisk: number; // … in a class of lower risk (D→B, C→A, …)
  // matrix[active][shadow]: entities compared, every class present (sums to `compared`).
  matrix: Record<ShadowClass, Record<ShadowClass, number>>;
  transitions: Record<string, number>; // "A→D": the off-diagonal cells that are not 0
  activeClassDistribution: Record<ShadowClass, number>; // compared entities by active class
  shadowClassDistribution: Record<ShadowClass, number>; // every shadow score by the candidate's class
  activeModels: Record<string, number>; // the model versions of the active scores compared
}

export interface ShadowMover {
  entityId: string;
  uscc: string | null;
  name: string | null;
  activeClass: ShadowClass;
  activeScore: number;
  activeModel: string;
  shadowClass: ShadowClass;
  shadowScore: number;
  shadowProbability: number | null;
}

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

const perClass = (): Record<ShadowClass, number> => ({ A: 0, B: 0, C: 0, D: 0 });
const isClass = (c: unknown): c is ShadowClass => typeof c === 'string' && (CLASSES as string[]).includes(c);

// Rows of the scope: the whole run ('' prefix), or the entities registered within a region prefix
// (their current region, as the other score-run routes narrow their movers).
const scope = (prefix: string, param: string) =>
  prefix ? `JOIN entity e ON e.id = ss.entity_id AND starts_with(e.region_code, ${param})` : '';

export async function classFlowsOf(db: Queryable, runId: string, prefix: string): Promise<ClassFlows> {
  const rows = (await db.query(
    `SELECT ss.active_class AS "from", ss.risk_class AS "to", ss.active_model AS "activeModel", count(*)::int AS n
       FROM shadow_score ss ${scope(prefix, '$2')}
      WHERE ss.run_id = $1
      GROUP BY 1, 2, 3`,
    prefix ? [runId, prefix] : [runId],
  )) as { from: string | null; to: string; activeModel: string | null; n: number }[];
  const matrix = Object.fromEntries(CLASSES.map((c) => [c, perClass()])) as ClassFlows['matrix'];
  const f: ClassFlows = {
    entitiesScored: 0,
    compared: 0,
    withoutActiveScore: 0,
    changedClass: 0,
    toHigherRisk: 0,
    toLowerRisk: 0,
    matrix,
    transitions: {},
    activeClassDistribution: perClass(),
    shadowClassDistribution: perClass(),
    activeModels: {},
  };
  for (const r of rows) {
    f.entitiesScored += r.n;
    if (isClass(r.to)) f.shadowClassDistribution[r.to] += r.n;
    if (!isClass(r.from) || !isClass(r.to)) {
      f.withoutActiveScore += r.n;
      continue;
    }
    f.compared += r.n;
    matrix[r.from][r.to] += r.n;
    f.activeClassDistribution[r.from] += r.n;
    if (r.activeModel) f.activeModels[r.activeModel] = (f.activeModels[r.activeModel] ?? 0) + r.n;
    if (r.from === r.to) continue;
    f.changedClass += r.n;
    if (r.to > r.from) f.toHigherRisk += r.n;
    else f.toLowerRisk += r.n;
  }
  for (const a of CLASSES)
    for (const b of CLASSES) if (a !== b && matrix[a][b]) f.transitions[`${a}→${b}`] = matrix[a][b];
  return f;
}

// The biggest movers of the scope: compared entities the candidate puts in another class, the most
// classes apart first, then by how far the score moves, then by entity id.
export async function shadowMoversOf(
  db: Queryable,
  runId: string,
  prefix: string,
  limit: number,
): Promise<ShadowMover[]> {
  if (limit <= 0) return [];
  return (await db.query(
    `SELECT ss.entity_id::text AS "entityId", en.uscc, en.name,
            ss.active_class AS "activeClass", ss.active_score::float8 AS "activeScore", ss.active_model AS "activeModel",
            ss.risk_class AS "shadowClass", ss.score::float8 AS "shadowScore", ss.probability AS "shadowProbability"
       FROM shadow_score ss ${scope(prefix, '$3')} JOIN entity en ON en.id = ss.entity_id
      WHERE ss.run_id = $1 AND ss.active_class IS NOT NULL AND ss.active_class <> ss.risk_class
      ORDER BY abs(ascii(ss.risk_class) - ascii(ss.active_class)) DESC, abs(ss.score - ss.active_score) DESC,
               ss.entity_id
      LIMIT $2`,
    prefix ? [runId, limit, prefix] : [runId, limit],
  )) as ShadowMover[];
}

// A shadow run's summary: its class flows over every entity, in the fields every run's summary has
// (classDistribution: the candidate's classes; movedClass and transitions: active → candidate;
// topMovers: from the active class and score to the candidate's), and classFlows.
export function shadowSummary(model: string, flows: ClassFlows, movers: ShadowMover[]) {
  return {
    classDistribution: flows.shadowClassDistribution,
    movedClass: flows.changedClass,
    transitions: flows.transitions,
    topMovers: movers.map((m) => ({
      entityId: m.entityId,
      uscc: m.uscc,
      name: m.name,
      from: m.activeClass,
      to: m.shadowClass,
      score: m.shadowScore,
      previousScore: m.activeScore,
    })),
    classFlows: { shadowModel: model, ...flows },
  };
}

export const SHADOW_SUMMARY_MOVERS = 10;

@Injectable()
export class ShadowScoreRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  // The shadow scores of one chunk, in one transaction with the chunk's claim (a chunk done already
  // saves nothing, as a full run's: ScoreRepository.saveRunChunk). The chunk that completes the run
  // finishes it (finish).
  async saveChunk(
    rows: ShadowScoreToSave[],
    chunk: { runId: string; chunkNo: number },
  ): Promise<{ claimed: boolean; runDone: boolean }> {
    return this.ds.transaction(async (em) => {
      const claimed = await returningRows(
        em,
        `UPDATE score_run_chunk c SET done_at = now(), scored = $3
          WHERE c.run_id = $1 AND c.chunk_no = $2 AND c.done_at IS NULL
            AND EXISTS (SELECT 1 FROM score_run r WHERE r.id = c.run_id AND r.kind = 'shadow')
          RETURNING 1`,
        [chunk.runId, chunk.chunkNo, rows.length],
      );
      if (!claimed.length) return { claimed: false, runDone: false };
      if (rows.length)
        await em.query(
          `INSERT INTO shadow_score (run_id, entity_id, model_version, as_of, score, raw_score, rank_score,
                                     floor_lift, class_before_floors, risk_class, probability, floors)
           SELECT $2::uuid, x."entityId", x."modelVersion", x."asOf", x.score, x."rawScore", x."rankScore",
                  x."floorLift", x."classBeforeFloors", x."riskClass", x.probability, x.floors
             FROM json_to_recordset($1::json) AS x(
               "entityId" bigint, "modelVersion" text, "asOf" date, score numeric, "rawScore" numeric,
               "rankScore" numeric, "floorLift" numeric, "classBeforeFloors" text, "riskClass" text,
               probability float8, floors json)
           ON CONFLICT (run_id, entity_id) DO NOTHING`,
          [JSON.stringify(rows), chunk.runId],
        );
      const [run] = await returningRows<{ done: number; total: number }>(
        em,
        `UPDATE score_run SET chunks_done = chunks_done + 1, entities_scored = entities_scored + $2
          WHERE id = $1 RETURNING chunks_done AS done, chunks_total AS total`,
        [chunk.runId, rows.length],
      );
      const runDone = run.done >= run.total;
      if (runDone) await this.finishIn(em, chunk.runId);
      return { claimed: true, runDone };
    });
  }

  // A shadow run with no entities is done as soon as it exists.
  async finishEmpty(runId: string): Promise<void> {
    await this.ds.transaction((em) => this.finishIn(em, runId));
  }

  // Finishing a shadow run: every shadow score gets the entity's active score of this moment (its
  // current score, entity_risk), the run's summary its class flows, and the rows of the model's
  // earlier shadow runs are removed (retention: the latest finished shadow run of a model keeps its
  // rows; every run keeps its summary).
  private async finishIn(em: EntityManager, runId: string): Promise<void> {
    const [run] = (await em.query(
      `SELECT model_version AS "modelVersion" FROM score_run WHERE id = $1 AND kind = 'shadow' AND status = 'running'
         FOR UPDATE`,
      [runId],
    )) as { modelVersion: string }[];
    if (!run) return;
    await em.query(
      `UPDATE shadow_score ss SET active_score = er.score, active_class = er.risk_class, active_model = er.model_version
         FROM entity_risk er WHERE ss.run_id = $1 AND er.entity_id = ss.entity_id`,
      [runId],
    );
    const flows = await classFlowsOf(em, runId, '');
    const movers = await shadowMoversOf(em, runId, '', SHADOW_SUMMARY_MOVERS);
    await em.query(
      `UPDATE score_run SET status = 'done', finished_at = now(), summary = $2::jsonb WHERE id = $1`,
      [runId, JSON.stringify(shadowSummary(run.modelVersion, flows, movers))],
    );
    await em.query(`DELETE FROM score_run_flagged WHERE run_id = $1`, [runId]);
    await em.query(
      `DELETE FROM shadow_score WHERE run_id IN (
         SELECT id FROM score_run WHERE kind = 'shadow' AND model_version = $2 AND id <> $1)`,
      [runId, run.modelVersion],
    );
  }

  // Whether the run still has its rows (the latest finished shadow run of its model, or one running).
  async hasRows(runId: string): Promise<boolean> {
    const [row] = (await this.ds.query(
      `SELECT EXISTS (SELECT 1 FROM shadow_score WHERE run_id = $1) AS kept`,
      [runId],
    )) as { kept: boolean }[];
    return !!row?.kept;
  }

  classFlows(runId: string, prefix: string): Promise<ClassFlows> {
    return classFlowsOf(this.ds, runId, prefix);
  }

  movers(runId: string, prefix: string, limit: number): Promise<ShadowMover[]> {
    return shadowMoversOf(this.ds, runId, prefix, limit);
  }
}
