import type { MigrationInterface, QueryRunner } from 'typeorm';

// No ties at the top of the risk list (风险名单, issue 15). The list ordered by the score, which is the
// raw score clamped to 0–100: every entity over 100 points showed as 100 and the top of the list was
// one tie broken by entity id. rank_score is the order key: the raw score (the exact sum of the points
// shown, not capped), or the lifted score for an entity a floor lifted to its class threshold
// (rankScore in libs/scoring/src/scorecard/scorecard.ts). It orders as the score does wherever the
// scores differ. Rows written without it (before this migration, by hand) order by their score: the
// indexes and the list use coalesce(rank_score, score). The risk-list indexes of 1765900000000 are
// replaced one for one by the same indexes on the new key.
//
// score_run.class_policy: the class-mix policy (config/scoring/policy/class-mix.json) as it was when
// the run started, so its summary's mix is judged against the policy of its day.
const RANK = 'coalesce(rank_score, score) DESC, entity_id DESC';
const INDEXES: [name: string, old: string, columns: string][] = [
  ['entity_risk_order', 'entity_risk_rank', RANK],
  ['entity_risk_region_order', 'entity_risk_region_rank', `region_code text_pattern_ops, ${RANK}`],
  ['entity_risk_county_order', 'entity_risk_county_rank', `left(region_code, 6), ${RANK}`],
  ['entity_risk_city_order', 'entity_risk_city_rank', `left(region_code, 4), ${RANK}`],
  [
    'entity_risk_city_class_order',
    'entity_risk_city_class_rank',
    `left(region_code, 4), risk_class, ${RANK}`,
  ],
  ['entity_risk_class_order', 'entity_risk_class_rank', `risk_class, ${RANK}`],
  ['entity_risk_industry_order', 'entity_risk_industry_rank', `left(industry_code, 3), ${RANK}`],
  ['entity_risk_province_order', 'entity_risk_province_rank', `left(region_code, 2), ${RANK}`],
];
const OLD_COLUMNS: Record<string, string> = {
  entity_risk_rank: 'score DESC, entity_id DESC',
  entity_risk_region_rank: 'region_code text_pattern_ops, score DESC, entity_id DESC',
  entity_risk_county_rank: 'left(region_code, 6), score DESC, entity_id DESC',
  entity_risk_city_rank: 'left(region_code, 4), score DESC, entity_id DESC',
  entity_risk_city_class_rank: 'left(region_code, 4), risk_class, score DESC, entity_id DESC',
  entity_risk_class_rank: 'risk_class, score DESC, entity_id DESC',
  entity_risk_industry_rank: 'left(industry_code, 3), score DESC, entity_id DESC',
  entity_risk_province_rank: 'left(region_code, 2), score DESC, entity_id DESC',
};

export class RiskRankClassPolicy1766410000000 implements MigrationInterface {
  name = 'RiskRankClassPolicy1766410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE entity_risk ADD COLUMN rank_score numeric`);
    // The current scores' keys, from the score rows they point at.
    await q.query(
      `UPDATE entity_risk er SET rank_score = CASE WHEN s.floor_lift > 0 THEN s.score ELSE s.raw_score END
         FROM score s WHERE s.id = er.score_id`,
    );
    for (const [name, old, columns] of INDEXES) {
      await q.query(`DROP INDEX IF EXISTS ${old}`);
      await q.query(`CREATE INDEX ${name} ON entity_risk (${columns})`);
    }
    await q.query(`ALTER TABLE score_run ADD COLUMN class_policy jsonb`);
    await q.query(`ANALYZE entity_risk`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE score_run DROP COLUMN class_policy`);
    for (const [name, old] of INDEXES) {
      await q.query(`DROP INDEX ${name}`);
      await q.query(`CREATE INDEX ${old} ON entity_risk (${OLD_COLUMNS[old]})`);
    }
    await q.query(`ALTER TABLE entity_risk DROP COLUMN rank_score`);
  }
}
