import type { MigrationInterface, QueryRunner } from 'typeorm';

// A delivery (推送) keeps the id of the request whose records raised its alert (X-Request-Id, carried
// into the jobs), so a webhook receiver, the attempt log and the server logs can be traced back to the
// departmental system's call. Null for alerts raised outside a request (schedules, feed checks).
export class DeliveryRequestId1766120000000 implements MigrationInterface {
  name = 'DeliveryRequestId1766120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery ADD COLUMN request_id text CHECK (length(request_id) <= 128)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery DROP COLUMN request_id`);
  }
}
