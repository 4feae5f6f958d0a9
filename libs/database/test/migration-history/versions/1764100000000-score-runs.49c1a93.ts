import type { MigrationInterface, QueryRunner } from 'typeorm';

// Full scoring runs (全量评分, nightly or on request): a run is split into chunks of entity ids; a chunk
// is claimed and its scores saved in one transaction, so a chunk retried after a worker died is never
// counted twice. Scores and profiles remember the run that wrote them.
export class ScoreRuns1764100000000 implements MigrationInterface {
  name = 'ScoreRuns1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE score_run (
        id uuid PRIMARY KEY,
        trigger text NOT NULL CHECK (trigger IN ('nightly', 'manual')),
        as_of date NOT NULL,
        model_version text NOT NULL,
        status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done')),
        chunks_total integer NOT NULL,
        chunks_done integer NOT NULL DEFAULT 0,
        entities_total integer NOT NULL,
        entities_scored integer NOT NULL DEFAULT 0,
        scores_changed integer NOT NULL DEFAULT 0,
        summary jsonb,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX score_run_started ON score_run (started_at DESC)`);
    await q.query(`
      CREATE TABLE score_run_chunk (
        run_id uuid NOT NULL REFERENCES score_run (id) ON DELETE CASCADE,
        chunk_no integer NOT NULL,
        from_id bigint NOT NULL,
        to_id bigint NOT NULL,
        scored integer,
        done_at timestamptz,
        PRIMARY KEY (run_id, chunk_no)
      )`);
    await q.query(`ALTER TABLE score ADD COLUMN run_id uuid`);
    await q.query(`CREATE INDEX score_by_run ON score (run_id) WHERE run_id IS NOT NULL`);
    await q.query(`ALTER TABLE profile ADD COLUMN run_id uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE profile DROP COLUMN run_id`);
    await q.query(`DROP INDEX score_by_run`);
    await q.query(`ALTER TABLE score DROP COLUMN run_id`);
    await q.query(`DROP TABLE score_run_chunk`);
    await q.query(`DROP TABLE score_run`);
  }
}
