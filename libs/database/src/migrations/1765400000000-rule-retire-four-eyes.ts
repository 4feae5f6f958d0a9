import type { MigrationInterface, QueryRunner } from 'typeorm';

// Retiring a rule needs four eyes like publishing it (四眼原则): one user asks for the retirement
// of the published version (with the reason), another confirms it. The pending request is kept on
// the version; the database refuses a retirement confirmed by the user who asked for it.
export class RuleRetireFourEyes1765400000000 implements MigrationInterface {
  name = 'RuleRetireFourEyes1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE rule
        ADD COLUMN retire_requested_by text,
        ADD COLUMN retire_requested_at timestamptz,
        ADD COLUMN retire_request_reason text,
        ADD CONSTRAINT rule_retire_request_stamp CHECK (
          (retire_requested_by IS NULL) = (retire_requested_at IS NULL)
          AND (retire_requested_by IS NULL) = (retire_request_reason IS NULL)),
        ADD CONSTRAINT rule_retire_four_eyes CHECK (
          retire_requested_by IS NULL OR retired_by IS NULL OR retired_by <> retire_requested_by)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE rule
        DROP CONSTRAINT rule_retire_four_eyes, DROP CONSTRAINT rule_retire_request_stamp,
        DROP COLUMN retire_request_reason, DROP COLUMN retire_requested_at, DROP COLUMN retire_requested_by`);
  }
}
