import type { MigrationInterface, QueryRunner } from 'typeorm';

// Alerts about a department's feed (stalled, empty, many rows refused) concern a source, not an
// entity: an alert is about an entity or about a feed, never neither.
export class FeedAlerts1764000000000 implements MigrationInterface {
  name = 'FeedAlerts1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE alert
        ALTER COLUMN entity_id DROP NOT NULL,
        ADD COLUMN source text,
        ADD CONSTRAINT alert_subject CHECK (entity_id IS NOT NULL OR source IS NOT NULL)`);
    await q.query(`CREATE INDEX alert_source ON alert (source) WHERE source IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM alert WHERE entity_id IS NULL`);
    await q.query(`DROP INDEX alert_source`);
    await q.query(`
      ALTER TABLE alert DROP CONSTRAINT alert_subject, DROP COLUMN source, ALTER COLUMN entity_id SET NOT NULL`);
  }
}
