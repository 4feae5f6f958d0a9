import type { MigrationInterface, QueryRunner } from 'typeorm';

// One full scoring run (全量评分) at a time, also in the worker: a start job that reaches a worker while
// another run is running (the nightly tick during a manual run, a duplicate start job) is recorded as a
// run with status 'skipped' and the reason, and scores nothing.
export class ScoreRunSkipped1766100000000 implements MigrationInterface {
  name = 'ScoreRunSkipped1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE score_run
        DROP CONSTRAINT score_run_status_check,
        ADD CONSTRAINT score_run_status_check CHECK (status IN ('running', 'done', 'skipped')),
        ADD COLUMN skipped_reason text,
        ADD CONSTRAINT score_run_skipped_reason CHECK ((status = 'skipped') = (skipped_reason IS NOT NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM score_run WHERE status = 'skipped'`);
    await q.query(`
      ALTER TABLE score_run
        DROP CONSTRAINT score_run_skipped_reason,
        DROP COLUMN skipped_reason,
        DROP CONSTRAINT score_run_status_check,
        ADD CONSTRAINT score_run_status_check CHECK (status IN ('running', 'done'))`);
  }
}
