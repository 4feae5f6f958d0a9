import type { MigrationInterface, QueryRunner } from 'typeorm';

// 信用修复与异议: an entity, through staff, asks that one of its records stop counting — an objection
// (异议: the record is wrong) or a repair (信用修复: it has rectified). Someone of the record's
// department other than the filer decides (四眼原则). Approval sets the record's counts_until to
// the effective date: the record and its versions stay, every score as of an earlier date still
// counts it, and from that day on profiles, scores, related-party flags and rule history ignore it.
export class CreditRepair1765000000000 implements MigrationInterface {
  name = 'CreditRepair1765000000000';

  async up(q: QueryRunner): Promise<void> {
    // Nullable without a default: a catalogue change only, however many records there are; the
    // scoring scans read it beside the row they already read (no join per record).
    await q.query(`ALTER TABLE record ADD COLUMN counts_until date`);

    await q.query(`
      CREATE TABLE credit_repair (
        id bigserial PRIMARY KEY,
        record_id bigint NOT NULL REFERENCES record (id),
        entity_id bigint NOT NULL REFERENCES entity (id),
        -- The record's department when filed: the department that decides.
        department_code text NOT NULL,
        type text NOT NULL CHECK (type IN ('objection', 'repair')),
        reason text NOT NULL CHECK (btrim(reason) <> ''),
        evidence text,
        filed_by text NOT NULL,
        filed_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
        decided_by text,
        decided_at timestamptz,
        decision_reason text,
        effective_from date,
        -- 四眼原则: whoever approves or rejects did not file it (the filer may only withdraw it).
        CONSTRAINT credit_repair_four_eyes CHECK (
          status NOT IN ('approved', 'rejected') OR (decided_by IS NOT NULL AND decided_by <> filed_by)),
        CONSTRAINT credit_repair_decided CHECK ((status = 'pending') = (decided_at IS NULL)),
        CONSTRAINT credit_repair_effective CHECK ((status = 'approved') = (effective_from IS NOT NULL))
      )`);
    // One open request per record, and a record is repaired at most once.
    await q.query(
      `CREATE UNIQUE INDEX credit_repair_one_pending ON credit_repair (record_id) WHERE status = 'pending'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX credit_repair_one_approved ON credit_repair (record_id) WHERE status = 'approved'`,
    );
    await q.query(`CREATE INDEX credit_repair_entity ON credit_repair (entity_id, id DESC)`);
    await q.query(
      `CREATE INDEX credit_repair_department ON credit_repair (department_code, status, id DESC)`,
    );
    await q.query(`CREATE INDEX credit_repair_status ON credit_repair (status, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE credit_repair`);
    await q.query(`ALTER TABLE record DROP COLUMN counts_until`);
  }
}
