import type { MigrationInterface, QueryRunner } from 'typeorm';

// Scoring models (评分模型) are versioned data: every scorecard of config/scoring is stored under its
// version, immutable; exactly one is active, and it changes only by an explicit, recorded activation.
export class ScoringModels1764200000000 implements MigrationInterface {
  name = 'ScoringModels1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scoring_model (
        version text PRIMARY KEY,
        definition jsonb NOT NULL,
        definition_hash text NOT NULL,
        source text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        active boolean NOT NULL DEFAULT false
      )`);
    await q.query(`CREATE UNIQUE INDEX scoring_model_one_active ON scoring_model (active) WHERE active`);
    await q.query(`
      CREATE TABLE scoring_model_activation (
        id bigserial PRIMARY KEY,
        version text NOT NULL REFERENCES scoring_model (version),
        previous_version text,
        activated_by text NOT NULL,
        reason text,
        activated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scoring_model_activation`);
    await q.query(`DROP TABLE scoring_model`);
  }
}
