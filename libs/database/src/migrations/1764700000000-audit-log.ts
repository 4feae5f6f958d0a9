import type { MigrationInterface, QueryRunner } from 'typeorm';

// 审计日志: every write, and every read of an entity profile or a case, is appended here with who,
// role, from where, what, when and the result. Each entry commits to the one before it (hash chain),
// so an edited or deleted entry is detected by `npm run audit:verify`; a trigger also refuses UPDATE
// and DELETE, so changing history takes deliberately switching it off.
export class AuditLog1764700000000 implements MigrationInterface {
  name = 'AuditLog1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        seq bigint PRIMARY KEY,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        role text,
        source text,
        action text NOT NULL,
        target text,
        result text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}',
        prev_hash text NOT NULL,
        hash text NOT NULL UNIQUE
      )`);
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_append_only()`);
  }
}
