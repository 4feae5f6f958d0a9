import type { MigrationInterface, QueryRunner } from 'typeorm';

// The audit log without one lock per write (issue 13, findings 6 and 11). A write appends its entry
// to audit_pending in its own transaction (a bigserial, no lock, so it commits or rolls back with
// the write); one chainer at a time (an advisory lock, in the api and the worker) moves committed
// entries into the hash chain (audit_log) in id order. audit_verify_checkpoint holds the last entry
// a verification found intact, so the next one hashes only what came after it.
export class AuditOutbox1765600000000 implements MigrationInterface {
  name = 'AuditOutbox1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_pending (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        role text,
        source text,
        action text NOT NULL,
        target text,
        result text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`
      CREATE TABLE audit_verify_checkpoint (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        seq bigint NOT NULL,
        hash text NOT NULL,
        verified_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_verify_checkpoint`);
    await q.query(`DROP TABLE audit_pending`);
  }
}
