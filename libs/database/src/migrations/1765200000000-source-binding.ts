import type { MigrationInterface, QueryRunner } from 'typeorm';

// Who may send what (issue 13, findings 1-3). A free-form JSON source (one without a profile in
// config/sources) belongs to the department that first sent under it: its owner, the only department
// whose callers may send under it afterwards (a source in use before this migration is bound, on its
// next batch, to the department of its stored records: no backfill here). Master data keeps the source
// that last set it.
export class SourceBinding1765200000000 implements MigrationInterface {
  name = 'SourceBinding1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest_source (
        id text PRIMARY KEY,
        department_code text NOT NULL REFERENCES department (code),
        bound_by text NOT NULL,
        bound_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Nullable without a default: a catalogue change only.
    await q.query(`ALTER TABLE entity ADD COLUMN master_source text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE entity DROP COLUMN master_source`);
    await q.query(`DROP TABLE ingest_source`);
  }
}
