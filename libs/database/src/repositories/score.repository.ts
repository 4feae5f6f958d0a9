import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { returningRows } from '../returning-rows';

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
  previousScore: number | null; // the entity's score before this one (null: its first score)
  score: number;
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
  after?: { rank: number; entityId: string }; // the last row's rankScore and entity id
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
  rankScore: number; // the order key (排序分): the raw score, not capped at 100, or the floor-lifted score
  rawScore: number | null; // of the current score (what its calibrated probability is read from)
}

// A full run writes a new score row for an entity whose class, floors and model are unchanged only
// when its score moved by at least this many points (SCORE_RUN_MIN_CHANGE overrides; insertScores).
export const RUN_MIN_SCORE_CHANGE = 1;
// The risk list's order key: rank_score (rankScore in libs/scoring/src/scorecard/scorecard.ts), or the
// score of a row written without one (migration 1766410000000, whose indexes are on this expression).
const RANK = 'coalesce(er.rank_score, er.score)';
// rank_score of an incoming score: the floor-lifted score, else the raw score (not clamped).
const RANK_SCORE_SQL = 'CASE WHEN inc."floorLift" > 0 THEN inc.score ELSE inc."rawScore" END';

const SCORE_COLUMNS = `s.id::text AS id, s.entity_id::text AS "entityId", s.model_version AS "modelVersion",
  to_char(s.as_of, 'YYYY-MM-DD') AS "asOf", s.score::float8 AS score, s.base_points::float8 AS "basePoints",
  s.raw_score::float8 AS "rawScore", s.floor_lift::float8 AS "floorLift", s.class_before_floors AS "classBeforeFloors",
  s.risk_class AS "riskClass",
  s.previous_class AS "previousClass", s.factors, s.floors, s.trigger, s.computed_at AS "computedAt"`;

@Injectable()
export class ScoreRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  // Saves scores set-based (a record came in, or a manual re-score). A score whose outcome (score,
  // class, class before floors, floors applied, model) equals the entity's current score is not
  // stored again: the history grows only when something a reader would see changed (insertScores).
  // Any change of the score counts here: it follows new information.
  async saveMany(scores: ScoreToSave[]): Promise<SavedScore[]> {
    if (!scores.length) return [];
    return this.ds.transaction((em) => this.insertScores(em, scores, null, 0));
  }

  // The scores of one chunk of a full run, in one transaction with the chunk's claim: a chunk that is
  // done already (its job retried after a worker died, or delivered twice) saves nothing, so every
  // entity counts exactly once in its run. The chunk that completes the run writes its summary.
  // `minScoreChange`: how far the score must have moved, with class, floors and model unchanged, for
  // a new row (insertScores).
  async saveRunChunk(
    scores: ScoreToSave[],
    chunk: { runId: string; chunkNo: number },
    minScoreChange = RUN_MIN_SCORE_CHANGE,
  ): Promise<{ claimed: boolean; saved: SavedScore[]; runDone: boolean }> {
    return this.ds.transaction(async (em) => {
      const claimed = await returningRows(
        em,
        `UPDATE score_run_chunk SET done_at = now(), scored = $3
          WHERE run_id = $1 AND chunk_no = $2 AND done_at IS NULL RETURNING 1`,
        [chunk.runId, chunk.chunkNo, scores.length],
      );
      if (!claimed.length) return { claimed: false, saved: [], runDone: false };
      const saved = scores.length ? await this.insertScores(em, scores, chunk.runId, minScoreChange) : [];
      const [run] = await returningRows<{ done: number; total: number }>(
        em,
        `UPDATE score_run SET chunks_done = chunks_done + 1, entities_scored = entities_scored + $2,
                scores_changed = scores_changed + $3
          WHERE id = $1 RETURNING chunks_done AS done, chunks_total AS total`,
        [chunk.runId, scores.length, saved.length],
      );
      const runDone = run.done >= run.total;
      if (runDone) await finishRun(em, chunk.runId);
      return { claimed: true, saved, runDone };
    });
  }

  // History grows with information only (issue 15): a new score row is written when the outcome
  // differs from the entity's current score — its class, class before floors, floors applied or
  // model, or its score by at least `minScoreChange` points (any change when 0) — and not when only
  // the inputs moved. The inputs hash could not tell: it covers the as-of date and the features, and
  // a nightly run has a new as-of date every night while the time-decayed features
  // (inspection_fail_decayed, age_years, days_since_last_inspection…) change a little every day, so
  // every entity got a new row every night (≈365 million rows a year at a million entities) though
  // its score and class stayed where they were. Compared exactly, the outcome still moves for ~8% of
  // entities a night (measured on the synthetic province, 3,000 entities over 90 nights: decayed
  // counts drift the score by 0.1); with a full run's default of 1 point, 0.2–0.9% (class changes
  // and floors always count). An entity whose outcome is unchanged is still checked: its profile
  // (features, as_of, computed_at, run_id) is rewritten, so the profile says as of which day and by
  // which run the score was last confirmed, and the score's own as_of / computed_at say when it last
  // changed. Its current risk row keeps the score it points to (within `minScoreChange` of today's);
  // only region and industry follow the entity, should they have changed.
  // The chunk travels as one json parameter and its documents (factors, floors, top factors,
  // features) go into json columns as they are: json_to_recordset only validates the text, where
  // jsonb_to_recordset parsed everything twice (17 against 38 ms for a chunk of 500 scores), and
  // jsonb columns parsed each document again (migration 1764400000000). The current scores are
  // looked up per incoming row by primary key (LATERAL … LIMIT 1, which the planner cannot flatten
  // into a join): as `entity_id IN (…)`, a first run planned on no statistics hashed the chunk and
  // scanned all of entity_risk for every chunk, a cost growing with every chunk saved.
  private async insertScores(
    em: EntityManager,
    scores: ScoreToSave[],
    runId: string | null,
    minScoreChange: number,
  ): Promise<SavedScore[]> {
    {
      const rows: SavedScore[] = await em.query(
        `WITH inc AS (
           SELECT * FROM json_to_recordset($1::json) AS x(
             "entityId" bigint, "modelVersion" text, "asOf" date, score numeric, "basePoints" numeric, "rawScore" numeric,
             "floorLift" numeric, "classBeforeFloors" text, "riskClass" text, factors json,
             floors json, "topFactors" json, features json, "inputsHash" text, trigger text,
             "regionCode" text, "industryCode" text)
         ),
         cur AS (
           SELECT c.* FROM inc CROSS JOIN LATERAL (
             SELECT er.entity_id, er.risk_class, er.score, er.rank_score, er.model_version, er.region_code,
                    er.industry_code, s.class_before_floors, s.floors
               FROM entity_risk er JOIN score s ON s.id = er.score_id
              WHERE er.entity_id = inc."entityId" LIMIT 1) c
         ),
         -- The incoming scores whose outcome differs from the current one (or that are the first).
         changed AS (
           SELECT inc.* FROM inc LEFT JOIN cur ON cur.entity_id = inc."entityId"
            WHERE cur.entity_id IS NULL
               OR abs(cur.score - inc.score) >= greatest($3::numeric, 0.01) OR cur.risk_class <> inc."riskClass"
               -- the order key too: above 100 the shown score is capped and only the raw score moves
               OR abs(coalesce(cur.rank_score, cur.score) - ${RANK_SCORE_SQL}) >= greatest($3::numeric, 0.01)
               OR cur.model_version <> inc."modelVersion" OR cur.class_before_floors <> inc."classBeforeFloors"
               OR cur.floors::jsonb <> inc.floors::jsonb
         ),
         ins AS (
           INSERT INTO score (entity_id, model_version, as_of, score, base_points, raw_score, floor_lift,
                              class_before_floors, risk_class, previous_class, factors, floors, inputs_hash, trigger,
                              run_id)
           SELECT inc."entityId", inc."modelVersion", inc."asOf", inc.score, inc."basePoints", inc."rawScore",
                  inc."floorLift", inc."classBeforeFloors", inc."riskClass", cur.risk_class,
                  inc.factors, inc.floors, inc."inputsHash", inc.trigger, $2::uuid
             FROM changed inc LEFT JOIN cur ON cur.entity_id = inc."entityId"
           RETURNING id, entity_id, previous_class, risk_class, score, model_version, computed_at
         ),
         prev AS (SELECT entity_id, score FROM cur),
         risk AS (
           INSERT INTO entity_risk (entity_id, score_id, score, risk_class, model_version, region_code, industry_code,
                                    top_factors, scored_at, rank_score)
           SELECT ins.entity_id, ins.id, ins.score, ins.risk_class, ins.model_version, inc."regionCode",
                  inc."industryCode", inc."topFactors", ins.computed_at, ${RANK_SCORE_SQL}
             FROM ins JOIN inc ON inc."entityId" = ins.entity_id
           ON CONFLICT (entity_id) DO UPDATE SET score_id = EXCLUDED.score_id, score = EXCLUDED.score,
              rank_score = EXCLUDED.rank_score,
              risk_class = EXCLUDED.risk_class, model_version = EXCLUDED.model_version,
              region_code = EXCLUDED.region_code, industry_code = EXCLUDED.industry_code,
              top_factors = EXCLUDED.top_factors, scored_at = EXCLUDED.scored_at
         ),
         -- Unchanged, but the entity moved to another region or industry: its risk row follows (the
         -- risk list filters on them). Rows are touched only then: rewriting a million risk rows a
         -- night would cost a new version of each row and an entry in each of its indexes.
         moved AS (
           UPDATE entity_risk er SET region_code = inc."regionCode", industry_code = inc."industryCode"
             FROM inc JOIN cur ON cur.entity_id = inc."entityId"
            WHERE er.entity_id = inc."entityId"
              AND NOT EXISTS (SELECT 1 FROM changed c WHERE c."entityId" = inc."entityId")
              AND (cur.region_code IS DISTINCT FROM inc."regionCode"
                OR cur.industry_code IS DISTINCT FROM inc."industryCode")
         ),
         prof AS (
           INSERT INTO profile (entity_id, as_of, features, computed_at, run_id)
           SELECT "entityId", "asOf", features, now(), $2::uuid FROM inc
           ON CONFLICT (entity_id) DO UPDATE SET as_of = EXCLUDED.as_of, features = EXCLUDED.features,
              computed_at = EXCLUDED.computed_at, run_id = EXCLUDED.run_id
         )
         SELECT ins.id::text AS "scoreId", ins.entity_id::text AS "entityId", ins.previous_class AS "previousClass",
                ins.risk_class AS "riskClass", prev.score::float8 AS "previousScore", ins.score::float8 AS score
           FROM ins LEFT JOIN prev ON prev.entity_id = ins.entity_id`,
        [JSON.stringify(scores), runId, minScoreChange],
      );
      return rows;
    }
  }

  // Score history retention (SCORE_HISTORY_RETENTION_MONTHS, the worker's purge-score-history job):
  // score rows computed more than `months` months ago are deleted unless they carry information a
  // reader or a backtest needs: the entity's current score (entity_risk points to it), a score that
  // set or changed the class (its first score, or previous_class ≠ risk_class), and the score just
  // before a class change (what "why did it move?" compares that change with). Walks the history in
  // ranges of `step` ids, oldest first, one transaction each, and stops at the first range whose rows
  // are all newer than the cut-off (ids grow with computed_at). Skipped while a full run is running
  // (its chunks add the rows the "just before a class change" test must see). Returns the cut-off,
  // the rows deleted and the old rows kept; the caller audits.
  async purgeHistory(
    months: number,
    step = 20_000,
  ): Promise<{ before: string; deleted: number; kept: number; skipped?: 'run-running' }> {
    const [{ before }] = await this.ds.query(`SELECT now() - make_interval(months => $1::int) AS before`, [
      months,
    ]);
    const cutoff = new Date(before).toISOString();
    // (A shadow run writes no score rows: it does not hold the retention up.)
    const [running] = await this.ds.query(
      `SELECT id FROM score_run WHERE status = 'running' AND kind = 'full' LIMIT 1`,
    );
    if (running) return { before: cutoff, deleted: 0, kept: 0, skipped: 'run-running' };
    const [{ lo, hi }] = await this.ds.query(`SELECT min(id)::text AS lo, max(id)::text AS hi FROM score`);
    let deleted = 0;
    let kept = 0;
    if (lo === null) return { before: cutoff, deleted, kept };
    for (let from = BigInt(lo); from <= BigInt(hi); from += BigInt(step)) {
      const [r]: { rows: number; old: number; deleted: number }[] = await this.ds.transaction((em) =>
        em.query(
          `WITH range AS (
             SELECT s.id, s.entity_id, s.previous_class, s.risk_class, s.computed_at < $3::timestamptz AS old
               FROM score s WHERE s.id >= $1::bigint AND s.id < $2::bigint
           ),
           doomed AS (
             SELECT o.id FROM range o
              WHERE o.old AND o.previous_class IS NOT NULL AND o.previous_class = o.risk_class
                AND NOT EXISTS (SELECT 1 FROM entity_risk er WHERE er.entity_id = o.entity_id AND er.score_id = o.id)
                AND NOT coalesce((SELECT n.previous_class IS DISTINCT FROM n.risk_class FROM score n
                                   WHERE n.entity_id = o.entity_id AND n.id > o.id ORDER BY n.id LIMIT 1), false)
           ),
           gone AS (DELETE FROM score s USING doomed d WHERE s.id = d.id RETURNING 1)
           SELECT (SELECT count(*)::int FROM range) AS rows, (SELECT count(*)::int FROM range WHERE old) AS old,
                  (SELECT count(*)::int FROM gone) AS deleted`,
          [from.toString(), (from + BigInt(step)).toString(), cutoff],
        ),
      );
      deleted += r.deleted;
      kept += r.old - r.deleted;
      if (r.rows > 0 && r.old === 0) break; // from here on, history younger than the cut-off
    }
    return { before: cutoff, deleted, kept };
  }

  async history(entityId: string, limit = 100): Promise<ScoreRow[]> {
    return this.ds.query(
      `SELECT ${SCORE_COLUMNS} FROM score s WHERE s.entity_id = $1 ORDER BY s.id DESC LIMIT $2`,
      [entityId, limit],
    );
  }

  // The entity's score just before this one.
  async before(entityId: string, scoreId: string): Promise<ScoreRow | undefined> {
    const rows = await this.ds.query(
      `SELECT ${SCORE_COLUMNS} FROM score s WHERE s.entity_id = $1 AND s.id < $2 ORDER BY s.id DESC LIMIT 1`,
      [entityId, scoreId],
    );
    return rows[0];
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

  // Peer context (同业同地比较): where the entity's current score stands among entities of the same
  // industry division (section letter + 2 digits, e.g. H62) in the same county; when that group has
  // fewer than `minPeers` scored entities, the same division in the city, then the province, then
  // the division anywhere. Percentile = share of peers with a lower score (ties count half).
  // Computed in SQL on demand: one indexed range of entity_risk per step (see README for the measure).
  async peerContext(
    entityId: string,
    minPeers = 30,
  ): Promise<
    | {
        level: 'county' | 'city' | 'province' | 'all';
        region: string | null;
        industry: string;
        size: number;
        percentile: number;
        higher: number;
      }
    | undefined
  > {
    const [me] = await this.ds.query(
      `SELECT score::float8 AS score, region_code AS region, upper(left(industry_code, 3)) AS industry
         FROM entity_risk WHERE entity_id = $1`,
      [entityId],
    );
    if (!me || !me.industry) return undefined;
    const steps: { level: 'county' | 'city' | 'province' | 'all'; prefix: string | null }[] = [
      ...(me.region
        ? [
            { level: 'county' as const, prefix: me.region.slice(0, 6) },
            { level: 'city' as const, prefix: me.region.slice(0, 4) },
            { level: 'province' as const, prefix: me.region.slice(0, 2) },
          ]
        : []),
      { level: 'all', prefix: null },
    ];
    for (const step of steps) {
      const [c] = await this.ds.query(
        `SELECT count(*)::int AS size,
                count(*) FILTER (WHERE score < $3)::int AS lower,
                count(*) FILTER (WHERE score = $3)::int AS equal,
                count(*) FILTER (WHERE score > $3)::int AS higher
           FROM entity_risk
          WHERE ($1::text IS NULL OR region_code LIKE $1 || '%') AND upper(left(industry_code, 3)) = $2`,
        [step.prefix, me.industry, me.score],
      );
      if (c.size >= minPeers || step.level === 'all')
        return {
          level: step.level,
          region: step.prefix,
          industry: me.industry,
          size: c.size,
          percentile: Math.round(((c.lower + (c.equal - 1) / 2) / Math.max(1, c.size - 1)) * 1000) / 1000,
          higher: c.higher,
        };
    }
    return undefined;
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
    // Prefixes of the lengths the indexes of migration 1765900000000 know (a province, city or county;
    // an industry division) are equalities on left(code, n), which walk an index in the list's order;
    // the others stay LIKE prefixes (digits and letters only: the query schema allows no wildcard).
    const prefix = (column: string, value: string, indexed: number[]) =>
      indexed.includes(value.length)
        ? `left(${column}, ${value.length}) = ${p(value)}`
        : `${column} LIKE ${p(value + '%')}`;
    // With a class filter, a province is a LIKE prefix: the list's top rows are the D class, so the
    // province index (no class in it) filtered on class C walked past every D entity of the province
    // first (32,545 rows, 842 ms cold at 1,000,000 entities, for 51 rows), and the planner prices that
    // walk the same as the class index's (risk_class, order), which it then takes, reading 54 buffers
    // (17 ms). Cities have an index with the class (entity_risk_city_class_order); a county's own
    // index passes its few D entities quickly, where the class index would read the province's class.
    const classFiltered = !!f.classes?.length;
    if (f.regionPrefix)
      where.push(prefix('er.region_code', f.regionPrefix, classFiltered ? [4, 6] : [2, 4, 6]));
    if (f.industryPrefix) where.push(prefix('er.industry_code', f.industryPrefix, [3]));
    // One class is an equality an index can lead with; several, a set.
    if (f.classes?.length === 1) where.push(`er.risk_class = ${p(f.classes[0])}`);
    else if (f.classes?.length) where.push(`er.risk_class = ANY(${p(f.classes)}::text[])`);
    if (f.minScore !== undefined) where.push(`er.score >= ${p(f.minScore)}`);
    // The score ≥ m filter, also as a range of the order key the indexes walk: rank ≥ score − 0.05
    // whenever the score is above the range's floor (the score is the key rounded to 0.1, clamped).
    if (f.minScore !== undefined && f.minScore > 0) where.push(`${RANK} >= ${p(f.minScore - 0.05)}::numeric`);
    if (f.after)
      where.push(`(${RANK}, er.entity_id) < (${p(f.after.rank)}::numeric, ${p(f.after.entityId)}::bigint)`);
    return this.ds.query(
      `SELECT er.entity_id::text AS "entityId", e.uscc, e.ext_scheme AS scheme, e.ext_id AS "externalId", e.name,
              er.region_code AS "regionCode", er.industry_code AS "industryCode", er.score::float8 AS score,
              er.risk_class AS "riskClass", er.model_version AS "modelVersion", er.top_factors AS "topFactors",
              er.scored_at AS "scoredAt", ${RANK}::float8 AS "rankScore",
              (SELECT s.raw_score FROM score s WHERE s.id = er.score_id)::float8 AS "rawScore"
         FROM entity_risk er JOIN entity e ON e.id = er.entity_id
        ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY ${RANK} DESC, er.entity_id DESC
        LIMIT ${p(f.limit)}`,
      params,
    );
  }

  // Scores dated in [from, to] that moved their entity to another class, in date order: what a
  // backtest of class_change rules replays.
  async classChangesBetween(
    from: string,
    to: string,
    limit: number,
    // Only scores of entities registered within this region-code prefix ('' = everywhere).
    regionPrefix = '',
  ): Promise<
    {
      scoreId: string;
      entityId: string;
      asOf: string;
      previousClass: string;
      riskClass: string;
      score: number;
    }[]
  > {
    return this.ds.query(
      `SELECT s.id::text AS "scoreId", s.entity_id::text AS "entityId", to_char(s.as_of, 'YYYY-MM-DD') AS "asOf",
              s.previous_class AS "previousClass", s.risk_class AS "riskClass", s.score::float8 AS score
         FROM score s
        WHERE s.as_of BETWEEN $1::date AND $2::date
          AND s.previous_class IS NOT NULL AND s.previous_class <> s.risk_class
          AND ($4 = '' OR EXISTS (SELECT 1 FROM entity e WHERE e.id = s.entity_id AND starts_with(e.region_code, $4)))
        ORDER BY s.as_of, s.id LIMIT $3`,
      [from, to, limit, regionPrefix],
    );
  }

  // Scores dated in [from, to] that crossed `above` upwards or `below` downwards since the entity's
  // previous score: what a backtest of score_crosses rules replays.
  async crossingsBetween(
    from: string,
    to: string,
    line: { above?: number; below?: number },
    limit: number,
    regionPrefix = '',
  ): Promise<
    {
      scoreId: string;
      entityId: string;
      asOf: string;
      previousClass: string;
      riskClass: string;
      score: number;
      previousScore: number;
    }[]
  > {
    return this.ds.query(
      `SELECT s.id::text AS "scoreId", s.entity_id::text AS "entityId", to_char(s.as_of, 'YYYY-MM-DD') AS "asOf",
              s.previous_class AS "previousClass", s.risk_class AS "riskClass", s.score::float8 AS score,
              p.score::float8 AS "previousScore"
         FROM score s
         CROSS JOIN LATERAL (SELECT p.score FROM score p WHERE p.entity_id = s.entity_id AND p.id < s.id
                              ORDER BY p.id DESC LIMIT 1) p
        WHERE s.as_of BETWEEN $1::date AND $2::date
          AND (($3::numeric IS NOT NULL AND p.score < $3 AND s.score >= $3)
            OR ($4::numeric IS NOT NULL AND p.score > $4 AND s.score <= $4))
          AND ($6 = '' OR EXISTS (SELECT 1 FROM entity e WHERE e.id = s.entity_id AND starts_with(e.region_code, $6)))
        ORDER BY s.as_of, s.id LIMIT $5`,
      [from, to, line.above ?? null, line.below ?? null, limit, regionPrefix],
    );
  }

  async classDistribution(): Promise<Record<string, number>> {
    const rows: { c: string; n: number }[] = await this.ds.query(
      `SELECT risk_class AS c, count(*)::int AS n FROM entity_risk GROUP BY 1 ORDER BY 1`,
    );
    return Object.fromEntries(rows.map((r) => [r.c, r.n]));
  }
}

// A run's summary, written when its last chunk is saved: how many entities got a new score row
// (scoresWritten: their score, class, floors or model changed, or it is their first) and how many
// were only checked (unchanged: scored, found where they were, no row written; their profile says
// this run checked them), the class distribution after the run, how many entities moved class and
// between which classes, and the ten largest score moves among them.
async function finishRun(em: EntityManager, runId: string): Promise<void> {
  await em.query(
    `WITH moved AS (
       SELECT s.entity_id, s.previous_class, s.risk_class, s.score,
              (SELECT p.score FROM score p WHERE p.entity_id = s.entity_id AND p.id < s.id ORDER BY p.id DESC LIMIT 1)
                AS previous_score
         FROM score s
        WHERE s.run_id = $1 AND s.previous_class IS NOT NULL AND s.previous_class <> s.risk_class
     ),
     summary AS (
       SELECT jsonb_build_object(
         'scoresWritten', (SELECT scores_changed FROM score_run WHERE id = $1),
         'unchanged', (SELECT entities_scored - scores_changed FROM score_run WHERE id = $1),
         'classDistribution', coalesce((SELECT jsonb_object_agg(risk_class, n ORDER BY risk_class)
                                          FROM (SELECT risk_class, count(*)::int AS n FROM entity_risk GROUP BY 1) d), '{}'),
         'movedClass', (SELECT count(*)::int FROM moved),
         'transitions', coalesce((SELECT jsonb_object_agg(t, n ORDER BY t)
                                    FROM (SELECT previous_class || '→' || risk_class AS t, count(*)::int AS n
                                            FROM moved GROUP BY 1) x), '{}'),
         'topMovers', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                    'entityId', m.entity_id::text, 'uscc', e.uscc, 'name', e.name,
                                    'from', m.previous_class, 'to', m.risk_class, 'score', m.score,
                                    'previousScore', m.previous_score) ORDER BY m.delta DESC, m.entity_id)
                                  FROM (SELECT *, abs(score - coalesce(previous_score, score)) AS delta FROM moved
                                         ORDER BY delta DESC, entity_id LIMIT 10) m
                                  JOIN entity e ON e.id = m.entity_id), '[]')) AS s
     )
     UPDATE score_run SET status = 'done', finished_at = now(), summary = (SELECT s FROM summary)
      WHERE id = $1 AND status = 'running'`,
    [runId],
  );
  // The run's related-party snapshot has served its purpose.
  await em.query(`DELETE FROM score_run_flagged WHERE run_id = $1`, [runId]);
  // A full run writes entity_risk, the table the risk list reads (every row on a first run or a new
  // model, the rows whose score changed otherwise): its planner statistics are refreshed before the
  // run says done (a sample, well under a second at a million rows), so the list is planned on what
  // the run wrote, not on the empty table of a fresh load (autovacuum may be off or slow to come:
  // without statistics a filtered page was a scan of every match and a sort).
  await em.query(`ANALYZE entity_risk`);
}
