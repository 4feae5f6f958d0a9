import type { MigrationInterface, QueryRunner } from 'typeorm';

// Score history retention (SCORE_HISTORY_RETENTION_MONTHS, issue 15) deletes old score rows. Every
// deleted row makes PostgreSQL check the foreign key entity_risk.score_id → score.id, and without an
// index on entity_risk.score_id that check is a scan of all of entity_risk (a million rows) per row
// deleted. With it, one index probe. Full runs now write a risk row only when the score changed
// (ScoreRepository.insertScores), so the index costs little on the nightly path.
export class ScoreHistoryRetention1766400000000 implements MigrationInterface {
  name = 'ScoreHistoryRetention1766400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS entity_risk_score ON entity_risk (score_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS entity_risk_score`);
  }
}
