import type { MigrationInterface, QueryRunner } from 'typeorm';

// Shadow scoring (影子评分, issue 15): a candidate model scores every entity in a run of its own, as of
// the run's date and by the same point-in-time rules as a full run, so its class flows can be compared
// with the active model's before anyone activates it. A shadow run is a score_run of kind 'shadow'
// (model_version: the candidate it scores with); its chunks are score_run_chunk rows as a full run's.
// Its scores are kept apart in shadow_score, never in score, entity_risk or profile: nothing reads
// them as an entity's score, and no rule sees them. When the run finishes each row is given the
// entity's active score of that moment (active_*), from which its class flows are counted. Only the
// latest finished shadow run of a model keeps its rows (older runs keep their summary).
export class ShadowRuns1766500000000 implements MigrationInterface {
  name = 'ShadowRuns1766500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE score_run
        ADD COLUMN kind text NOT NULL DEFAULT 'full' CHECK (kind IN ('full', 'shadow'))`);
    await q.query(
      `CREATE INDEX score_run_shadow ON score_run (model_version, started_at DESC) WHERE kind = 'shadow'`,
    );
    await q.query(`
      CREATE TABLE shadow_score (
        run_id uuid NOT NULL REFERENCES score_run (id) ON DELETE CASCADE,
        entity_id bigint NOT NULL REFERENCES entity (id) ON DELETE CASCADE,
        model_version text NOT NULL,
        as_of date NOT NULL,
        score numeric NOT NULL,
        raw_score numeric NOT NULL,
        rank_score numeric NOT NULL,
        floor_lift numeric NOT NULL,
        class_before_floors text NOT NULL,
        risk_class text NOT NULL,
        probability double precision,
        floors json NOT NULL,
        active_score numeric,
        active_class text,
        active_model text,
        computed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, entity_id)
      )`);
    await q.query(`CREATE INDEX shadow_score_entity ON shadow_score (entity_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE shadow_score`);
    await q.query(`DELETE FROM score_run WHERE kind = 'shadow'`);
    await q.query(`DROP INDEX score_run_shadow`);
    await q.query(`ALTER TABLE score_run DROP COLUMN kind`);
  }
}
