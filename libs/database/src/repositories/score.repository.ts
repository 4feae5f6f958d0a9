import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface ScoreToSave {
  entityId: string;
  modelVersion: string;
  asOf: string;
  score: number;
  basePoints: number;
  rawScore: number;
  floorLift: number;
  classBeforeFloors: string;
  riskClass: string;
  factors: unknown;
  floors: unknown;
  topFactors: unknown;
  features: Record<string, number>;
  inputsHash: string;
  trigger: string;
  regionCode: string | null;
  industryCode: string | null;
}

export interface SavedScore {
  scoreId: string;
  entityId: string;
  previousClass: string | null;
  riskClass: string;
}

export interface ScoreRow {
  id: string;
  entityId: string;
  modelVersion: string;
  asOf: string;
  score: number;
  basePoints: number;
  rawScore: number;
  floorLift: number;
  classBeforeFloors: string;
  riskClass: string;
  previousClass: string | null;
  factors: unknown;
  floors: unknown;
  trigger: string;
  computedAt: Date;
}

export interface RiskListFilter {
  regionPrefix?: string;
  industryPrefix?: string;
  classes?: string[];
  minScore?: number;
  after?: { score: number; entityId: string };
  limit: number;
}

export interface RiskListRow {
  entityId: string;
  uscc: string | null;
  scheme: string | null;
  externalId: string | null;
  name: string | null;
  regionCode: string | null;
  industryCode: string | null;
  score: number;
  riskClass: string;
  modelVersion: string;
  topFactors: unknown;
  scoredAt: Date;
}

const SCORE_COLUMNS = `s.id::text AS id, s.entity_id::text AS "entityId", s.model_version AS "modelVersion",
  to_char(s.as_of, 'YYYY-MM-DD') AS "asOf", s.score::float8 AS score, s.base_points::float8 AS "basePoints",
  s.raw_score::float8 AS "rawScore", s.floor_lift::float8 AS "floorLift", s.class_before_floors AS "classBeforeFloors",
  s.risk_class AS "riskClass",
  s.previous_class AS "previousClass", s.factors, s.floors, s.trigger, s.computed_at AS "computedAt"`;

@Injectable()
export class ScoreRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  // Saves scores set-based. A score whose inputs (model, as-of date, features) equal the entity's
  // current score is not stored again, so a job that runs twice leaves one history row.
  async saveMany(scores: ScoreToSave[]): Promise<SavedScore[]> {
    if (!scores.length) return [];
    return this.ds.transaction(async (em) => {
      const rows: SavedScore[] = await em.query(
        `WITH inc AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
             "entityId" bigint, "modelVersion" text, "asOf" date, score numeric, "basePoints" numeric, "rawScore" numeric,
             "floorLift" numeric, "classBeforeFloors" text, "riskClass" text, factors jsonb,
             floors jsonb, "topFactors" jsonb, features jsonb, "inputsHash" text, trigger text,
             "regionCode" text, "industryCode" text)
         ),
         cur AS (
           SELECT er.entity_id, er.risk_class, s.inputs_hash FROM entity_risk er JOIN score s ON s.id = er.score_id
            WHERE er.entity_id IN (SELECT "entityId" FROM inc)
         ),
         ins AS (
           INSERT INTO score (entity_id, model_version, as_of, score, base_points, raw_score, floor_lift,
                              class_before_floors, risk_class, previous_class, factors, floors, inputs_hash, trigger)
           SELECT inc."entityId", inc."modelVersion", inc."asOf", inc.score, inc."basePoints", inc."rawScore",
                  inc."floorLift", inc."classBeforeFloors", inc."riskClass", cur.risk_class,
                  inc.factors, inc.floors, inc."inputsHash", inc.trigger
             FROM inc LEFT JOIN cur ON cur.entity_id = inc."entityId"
            WHERE cur.inputs_hash IS DISTINCT FROM inc."inputsHash"
           RETURNING id, entity_id, previous_class, risk_class, score, model_version, computed_at
         ),
         risk AS (
           INSERT INTO entity_risk (entity_id, score_id, score, risk_class, model_version, region_code, industry_code,
                                    top_factors, scored_at)
           SELECT ins.entity_id, ins.id, ins.score, ins.risk_class, ins.model_version, inc."regionCode",
                  inc."industryCode", inc."topFactors", ins.computed_at
             FROM ins JOIN inc ON inc."entityId" = ins.entity_id
           ON CONFLICT (entity_id) DO UPDATE SET score_id = EXCLUDED.score_id, score = EXCLUDED.score,
              risk_class = EXCLUDED.risk_class, model_version = EXCLUDED.model_version,
              region_code = EXCLUDED.region_code, industry_code = EXCLUDED.industry_code,
              top_factors = EXCLUDED.top_factors, scored_at = EXCLUDED.scored_at
         ),
         prof AS (
           INSERT INTO profile (entity_id, as_of, features, computed_at)
           SELECT "entityId", "asOf", features, now() FROM inc
           ON CONFLICT (entity_id) DO UPDATE SET as_of = EXCLUDED.as_of, features = EXCLUDED.features,
              computed_at = EXCLUDED.computed_at
         )
         SELECT id::text AS "scoreId", entity_id::text AS "entityId", previous_class AS "previousClass",
                risk_class AS "riskClass"
           FROM ins`,
        [JSON.stringify(scores)],
      );
      return rows;
    });
  }

  async history(entityId: string, limit = 100): Promise<ScoreRow[]> {
    return this.ds.query(
      `SELECT ${SCORE_COLUMNS} FROM score s WHERE s.entity_id = $1 ORDER BY s.id DESC LIMIT $2`,
      [entityId, limit],
    );
  }

  async get(scoreId: string): Promise<ScoreRow | undefined> {
    const rows: ScoreRow[] = await this.ds.query(`SELECT ${SCORE_COLUMNS} FROM score s WHERE s.id = $1`, [
      scoreId,
    ]);
    return rows[0];
  }

  async profile(
    entityId: string,
  ): Promise<{ asOf: string; features: Record<string, number>; computedAt: Date } | undefined> {
    const rows = await this.ds.query(
      `SELECT to_char(as_of, 'YYYY-MM-DD') AS "asOf", features, computed_at AS "computedAt" FROM profile WHERE entity_id = $1`,
      [entityId],
    );
    return rows[0];
  }

  // Current profile features of several entities in one query.
  async profiles(entityIds: string[]): Promise<Map<string, Record<string, number>>> {
    if (!entityIds.length) return new Map();
    const rows: { id: string; features: Record<string, number> }[] = await this.ds.query(
      `SELECT entity_id::text AS id, features FROM profile WHERE entity_id = ANY($1::bigint[])`,
      [entityIds],
    );
    return new Map(rows.map((r) => [r.id, r.features]));
  }

  async riskList(f: RiskListFilter): Promise<RiskListRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (f.regionPrefix) where.push(`er.region_code LIKE ${p(f.regionPrefix + '%')}`);
    if (f.industryPrefix) where.push(`er.industry_code LIKE ${p(f.industryPrefix + '%')}`);
    if (f.classes?.length) where.push(`er.risk_class = ANY(${p(f.classes)}::text[])`);
    if (f.minScore !== undefined) where.push(`er.score >= ${p(f.minScore)}`);
    if (f.after)
      where.push(`(er.score, er.entity_id) < (${p(f.after.score)}::numeric, ${p(f.after.entityId)}::bigint)`);
    return this.ds.query(
      `SELECT er.entity_id::text AS "entityId", e.uscc, e.ext_scheme AS scheme, e.ext_id AS "externalId", e.name,
              er.region_code AS "regionCode", er.industry_code AS "industryCode", er.score::float8 AS score,
              er.risk_class AS "riskClass", er.model_version AS "modelVersion", er.top_factors AS "topFactors",
              er.scored_at AS "scoredAt"
         FROM entity_risk er JOIN entity e ON e.id = er.entity_id
        ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY er.score DESC, er.entity_id DESC
        LIMIT ${p(f.limit)}`,
      params,
    );
  }

  async classDistribution(): Promise<Record<string, number>> {
    const rows: { c: string; n: number }[] = await this.ds.query(
      `SELECT risk_class AS c, count(*)::int AS n FROM entity_risk GROUP BY 1 ORDER BY 1`,
    );
    return Object.fromEntries(rows.map((r) => [r.c, r.n]));
  }
}
