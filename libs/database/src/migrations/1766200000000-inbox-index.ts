import type { MigrationInterface, QueryRunner } from 'typeorm';

// A department's inbox (待办推送) pages its deliveries newest alert first. With only
// (department_code, status), listing one page meant finding every delivery of the department and
// sorting them: the department of a province's busiest regulator holds hundreds of thousands. This
// index is in the inbox's own order, so a page reads one page of index entries and stops.
export class InboxIndex1766200000000 implements MigrationInterface {
  name = 'InboxIndex1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX delivery_inbox ON delivery (department_code, alert_id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX delivery_inbox`);
  }
}
