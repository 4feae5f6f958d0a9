import type { MigrationInterface, QueryRunner } from 'typeorm';

// Rules become editable through the API (draft → published, four eyes), and alerts get the
// suppression and history that stop a finding from flooding anyone: snooze with an expiry and a
// reason, closing, and an append-only event log of everything that happened to an alert.
export class RuleLifecycle1764500000000 implements MigrationInterface {
  name = 'RuleLifecycle1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE rule
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN retired_at timestamptz,
        ADD COLUMN retired_by text,
        ADD COLUMN retire_reason text,
        -- 四眼原则: a version is published by someone other than its author. Versions seeded from
        -- config/rules are reviewed where the files are and carry 'config' for both.
        ADD CONSTRAINT rule_four_eyes CHECK (
          status = 'draft' OR created_by = 'config' OR (published_by IS NOT NULL AND published_by <> created_by)),
        ADD CONSTRAINT rule_published_stamp CHECK (status = 'draft' OR published_at IS NOT NULL)`);
    // At most one draft per rule: a change in progress is edited, not forked.
    await q.query(`CREATE UNIQUE INDEX rule_one_draft ON rule (id) WHERE status = 'draft'`);
    await q.query(`CREATE INDEX rule_published ON rule (id, version DESC) WHERE status = 'published'`);

    await q.query(`
      ALTER TABLE alert
        ADD COLUMN snoozed_until timestamptz,
        ADD COLUMN snooze_reason text,
        ADD COLUMN snoozed_by text,
        ADD COLUMN closed_at timestamptz,
        ADD COLUMN closed_by text,
        ADD COLUMN close_reason text`);
    await q.query(`CREATE INDEX alert_rule_subject ON alert (rule_id, entity_id, created_at DESC)`);

    // What happened to an alert, who did it and why; rows are only ever added.
    await q.query(`
      CREATE TABLE alert_event (
        id bigserial PRIMARY KEY,
        alert_id bigint NOT NULL REFERENCES alert (id) ON DELETE CASCADE,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL CHECK (action IN ('raised', 'occurred_again', 'suppressed', 'snoozed', 'unsnoozed',
                                               'closed', 'reopened', 'acknowledged', 'redelivered', 'escalated')),
        detail jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX alert_event_alert ON alert_event (alert_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_event`);
    await q.query(`DROP INDEX alert_rule_subject`);
    await q.query(`
      ALTER TABLE alert
        DROP COLUMN snoozed_until, DROP COLUMN snooze_reason, DROP COLUMN snoozed_by,
        DROP COLUMN closed_at, DROP COLUMN closed_by, DROP COLUMN close_reason`);
    await q.query(`DROP INDEX rule_published`);
    await q.query(`DROP INDEX rule_one_draft`);
    await q.query(`
      ALTER TABLE rule
        DROP CONSTRAINT rule_published_stamp, DROP CONSTRAINT rule_four_eyes,
        DROP COLUMN retire_reason, DROP COLUMN retired_by, DROP COLUMN retired_at, DROP COLUMN updated_at`);
  }
}
