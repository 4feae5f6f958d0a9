import type { MigrationInterface, QueryRunner } from 'typeorm';

// File ingestion: stored files (by content hash), file facts on batches, and rejections that keep
// the row number and raw text and are cleared when a corrected upload accepts the same record.
export class FileIngestion1763900000000 implements MigrationInterface {
  name = 'FileIngestion1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest_file (
        id uuid PRIMARY KEY,
        source text NOT NULL,
        content_hash text NOT NULL,
        size_bytes bigint NOT NULL,
        original_name text,
        media_type text,
        stored_path text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ingest_file_once UNIQUE (source, content_hash)
      )`);
    await q.query(`
      ALTER TABLE ingest_batch
        ADD COLUMN file_id uuid REFERENCES ingest_file (id),
        ADD COLUMN profile_version integer,
        ADD COLUMN rows_read integer,
        ADD COLUMN duplicates integer,
        ADD COLUMN file_error jsonb`);
    await q.query(`CREATE INDEX ingest_batch_file ON ingest_batch (file_id) WHERE file_id IS NOT NULL`);
    await q.query(`CREATE INDEX ingest_batch_source_time ON ingest_batch (source, created_at DESC)`);
    await q.query(`
      ALTER TABLE ingest_rejection
        ADD COLUMN row_number integer,
        ADD COLUMN raw_text text,
        ADD COLUMN output text,
        ADD COLUMN source text,
        ADD COLUMN resolved_by_batch uuid,
        ADD COLUMN resolved_at timestamptz`);
    await q.query(`UPDATE ingest_rejection r SET source = b.source FROM ingest_batch b WHERE b.id = r.batch_id`);
    await q.query(
      `CREATE INDEX ingest_rejection_open ON ingest_rejection (source, source_record_id) WHERE resolved_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ingest_rejection_open`);
    await q.query(`
      ALTER TABLE ingest_rejection DROP COLUMN row_number, DROP COLUMN raw_text, DROP COLUMN output,
        DROP COLUMN source, DROP COLUMN resolved_by_batch, DROP COLUMN resolved_at`);
    await q.query(`DROP INDEX IF EXISTS ingest_batch_source_time`);
    await q.query(`DROP INDEX IF EXISTS ingest_batch_file`);
    await q.query(`
      ALTER TABLE ingest_batch DROP COLUMN file_id, DROP COLUMN profile_version, DROP COLUMN rows_read,
        DROP COLUMN duplicates, DROP COLUMN file_error`);
    await q.query(`DROP TABLE IF EXISTS ingest_file`);
  }
}
