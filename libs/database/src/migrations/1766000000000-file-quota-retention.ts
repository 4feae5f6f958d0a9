import type { MigrationInterface, QueryRunner } from 'typeorm';

// Stored upload files are counted against a quota per source and kept for a retention period
// (issue 13, finding 10). stored_at: when the file was (last) written to the file store, which the
// retention period runs from (an upload of a purged file stores it again); file_purged_at: when the
// retention job removed it. A purged file's batches keep their records and refused rows; only the
// stored bytes are gone. A quota counts the files of a source that are not purged.
export class FileQuotaRetention1766000000000 implements MigrationInterface {
  name = 'FileQuotaRetention1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE ingest_file
        ADD COLUMN stored_at timestamptz,
        ADD COLUMN file_purged_at timestamptz`);
    await q.query(`UPDATE ingest_file SET stored_at = created_at`);
    await q.query(
      `ALTER TABLE ingest_file ALTER COLUMN stored_at SET NOT NULL, ALTER COLUMN stored_at SET DEFAULT now()`,
    );
    await q.query(
      `CREATE INDEX ingest_file_stored ON ingest_file (source) INCLUDE (size_bytes) WHERE file_purged_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX ingest_file_retention ON ingest_file (stored_at) WHERE file_purged_at IS NULL`,
    );
    await q.query(`CREATE INDEX ingest_file_path ON ingest_file (stored_path) WHERE file_purged_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ingest_file_path`);
    await q.query(`DROP INDEX IF EXISTS ingest_file_retention`);
    await q.query(`DROP INDEX IF EXISTS ingest_file_stored`);
    await q.query(`ALTER TABLE ingest_file DROP COLUMN file_purged_at, DROP COLUMN stored_at`);
  }
}
