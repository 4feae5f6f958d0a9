import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { PoolClient } from 'pg';
import { copyRows } from '../copy-rows';
import { BatchRepository, type ApplyResult, type StagedItem } from './batch.repository';

// One row of a departmental file after reading and mapping: a staged record, or a refusal with reasons.
export interface FileRow {
  rowNumber: number;
  output: string | null;
  // Known even for a refused row when its id could be built, so a corrected upload can clear it.
  sourceRecordId: string | null;
  raw: string;
  reasons: string[] | null;
  item: StagedItem | null;
}

export interface FileApplyResult extends ApplyResult {
  rowsRead: number;
  accepted: number;
  rejected: number;
  duplicates: number;
}

export interface StoredFileRow {
  id: string;
  source: string;
  contentHash: string;
  sizeBytes: number;
  originalName: string | null;
  storedPath: string;
}

const FILE_ROW_COLUMNS = [
  'seq',
  'row_number',
  'output',
  'raw',
  'reasons',
  'source_record_id',
  'kind',
  'entity_uscc',
  'entity_scheme',
  'entity_ext_id',
  'department_code',
  'occurred_at',
  'data',
  'content_hash',
];

@Injectable()
export class FileBatchRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly batches: BatchRepository,
  ) {}

  // The batch that already took this exact file for this source (a re-upload changes nothing).
  async batchForFile(
    source: string,
    contentHash: string,
  ): Promise<{ fileId: string; batchId: string | null; status: string | null } | undefined> {
    const rows = await this.ds.query(
      `SELECT f.id AS "fileId", b.id AS "batchId", b.status
         FROM ingest_file f LEFT JOIN LATERAL (
           SELECT id, status FROM ingest_batch WHERE file_id = f.id ORDER BY created_at DESC LIMIT 1) b ON true
        WHERE f.source = $1 AND f.content_hash = $2`,
      [source, contentHash],
    );
    return rows[0];
  }

  async createFileBatch(
    file: {
      id: string;
      source: string;
      contentHash: string;
      sizeBytes: number;
      originalName: string | null;
      mediaType: string | null;
      storedPath: string;
    },
    batch: { id: string; profileVersion: number },
  ): Promise<void> {
    await this.ds.transaction(async (em) => {
      await em.query(
        `INSERT INTO ingest_file (id, source, content_hash, size_bytes, original_name, media_type, stored_path)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (source, content_hash) DO NOTHING`,
        [
          file.id,
          file.source,
          file.contentHash,
          file.sizeBytes,
          file.originalName,
          file.mediaType,
          file.storedPath,
        ],
      );
      const [{ id: fileId }] = await em.query(
        `SELECT id FROM ingest_file WHERE source = $1 AND content_hash = $2`,
        [file.source, file.contentHash],
      );
      await em.query(
        `INSERT INTO ingest_batch (id, source, origin, status, received, accepted, rejected, file_id, profile_version)
         VALUES ($1, $2, 'file', 'queued', 0, 0, 0, $3, $4)`,
        [batch.id, file.source, fileId, batch.profileVersion],
      );
    });
  }

  // A new batch for the stored file of an earlier one (re-run after fixing reference data or a profile).
  async rerun(batchId: string, newBatchId: string, profileVersion: number): Promise<boolean> {
    const rows = await this.ds.query(
      `INSERT INTO ingest_batch (id, source, origin, status, received, accepted, rejected, file_id, profile_version)
       SELECT $2, source, 'file', 'queued', 0, 0, 0, file_id, $3 FROM ingest_batch WHERE id = $1 AND file_id IS NOT NULL
       RETURNING id`,
      [batchId, newBatchId, profileVersion],
    );
    return rows.length > 0;
  }

  async file(batchId: string): Promise<StoredFileRow | undefined> {
    const rows = await this.ds.query(
      `SELECT f.id, f.source, f.content_hash AS "contentHash", f.size_bytes::float8 AS "sizeBytes",
              f.original_name AS "originalName", f.stored_path AS "storedPath"
         FROM ingest_batch b JOIN ingest_file f ON f.id = b.file_id WHERE b.id = $1`,
      [batchId],
    );
    return rows[0];
  }

  // A file refused as a whole (missing columns, wrong encoding…): the batch says why, nothing is stored.
  async refuse(batchId: string, error: { code: string; message: unknown; details?: unknown }): Promise<void> {
    await this.ds.query(
      `UPDATE ingest_batch SET status = 'failed', file_error = $2, error = $3, rows_read = 0, finished_at = now()
        WHERE id = $1 AND status <> 'done'`,
      [
        batchId,
        JSON.stringify(error),
        typeof error.message === 'object' ? JSON.stringify(error.message) : String(error.message),
      ],
    );
  }

  // Applies a whole file in one transaction: rows are streamed by COPY into a transaction-local table;
  // in-file duplicates and conflicts are settled in SQL; refused rows are kept with their row number,
  // raw text and reasons; the rest goes through the same upsert as every batch.
  async apply(
    batchId: string,
    source: string,
    rows: AsyncIterable<FileRow>,
    counter: { rowsRead: number; notices?: unknown[] },
  ): Promise<FileApplyResult> {
    const qr = this.ds.createQueryRunner();
    const client = (await qr.connect()) as PoolClient;
    try {
      await qr.startTransaction();
      const [batch] = await qr.query(`SELECT status FROM ingest_batch WHERE id = $1 FOR UPDATE`, [batchId]);
      if (!batch) throw new Error(`ingest batch ${batchId} does not exist`);
      if (batch.status === 'done' || batch.status === 'failed') {
        await qr.commitTransaction();
        return {
          alreadyApplied: true,
          inserted: 0,
          updated: 0,
          unchanged: 0,
          touchedEntityIds: [],
          rowsRead: 0,
          accepted: 0,
          rejected: 0,
          duplicates: 0,
        };
      }
      await qr.query(
        `UPDATE ingest_batch SET status = 'processing', started_at = coalesce(started_at, now()) WHERE id = $1`,
        [batchId],
      );
      await qr.query(`
        CREATE TEMP TABLE file_row (
          seq int, row_number int, output text, raw text, reasons text[], source_record_id text, kind text,
          entity_uscc text, entity_scheme text, entity_ext_id text, department_code text, occurred_at date,
          data jsonb, content_hash text) ON COMMIT DROP`);
      let seq = 0;
      await copyRows(
        client,
        'file_row',
        FILE_ROW_COLUMNS,
        toCopy(rows, () => seq++),
      );
      await qr.query(`ANALYZE file_row (source_record_id, content_hash)`);

      // Within one file: an identical repeat counts once; the same id with other content is refused.
      await qr.query(`
        WITH ranked AS (
          SELECT seq, content_hash,
                 first_value(seq) OVER w AS first_seq, first_value(row_number) OVER w AS first_row,
                 first_value(content_hash) OVER w AS first_hash
            FROM file_row WHERE reasons IS NULL WINDOW w AS (PARTITION BY source_record_id ORDER BY seq))
        UPDATE file_row f
           SET reasons = ARRAY['sourceRecordId: ''' || f.source_record_id || ''' also at row ' || r.first_row ||
                               ' with different content; correct one of the two rows (同一编号内容不一致)']
          FROM ranked r
         WHERE f.seq = r.seq AND r.seq <> r.first_seq AND r.content_hash <> r.first_hash`);
      const [{ duplicates }] = await qr.query(`
        SELECT count(*)::int AS duplicates FROM (
          SELECT seq, first_value(seq) OVER (PARTITION BY source_record_id ORDER BY seq) AS first_seq
            FROM file_row WHERE reasons IS NULL) t WHERE seq <> first_seq`);

      await qr.query(`CREATE TEMP TABLE bulk_item (LIKE ingest_item) ON COMMIT DROP`);
      await qr.query(
        `INSERT INTO bulk_item (batch_id, idx, source_record_id, kind, entity_uscc, entity_scheme, entity_ext_id,
                                department_code, occurred_at, data, content_hash)
         SELECT DISTINCT ON (source_record_id) $1::uuid, seq, source_record_id, kind, entity_uscc, entity_scheme,
                entity_ext_id, department_code, occurred_at, data, content_hash
           FROM file_row WHERE reasons IS NULL ORDER BY source_record_id, seq`,
        [batchId],
      );
      await qr.query(
        `ANALYZE bulk_item (batch_id, entity_uscc, entity_scheme, entity_ext_id, source_record_id)`,
      );
      const [{ rejected }] = await qr.query(
        `WITH ins AS (
           INSERT INTO ingest_rejection (batch_id, idx, row_number, output, source_record_id, raw_text, reasons, source)
           SELECT $1, seq, row_number, output, source_record_id, raw, reasons, $2 FROM file_row WHERE reasons IS NOT NULL
           RETURNING 1)
         SELECT count(*)::int AS rejected FROM ins`,
        [batchId, source],
      );
      const res = await this.batches.upsertStaged(qr.manager, 'bulk_item', batchId, source);
      const [{ accepted }] = await qr.query(
        `SELECT count(*)::int AS accepted FROM file_row WHERE reasons IS NULL`,
      );
      await qr.query(
        `UPDATE ingest_batch SET rows_read = $2, received = $3, accepted = $4, rejected = $5, duplicates = $6,
                file_notices = $7 WHERE id = $1`,
        [
          batchId,
          counter.rowsRead,
          seq,
          accepted,
          rejected,
          duplicates,
          JSON.stringify(counter.notices ?? []),
        ],
      );
      await qr.commitTransaction();
      return { ...res, rowsRead: counter.rowsRead, accepted, rejected, duplicates };
    } catch (e) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw e;
    } finally {
      await qr.release();
    }
  }
}

async function* toCopy(rows: AsyncIterable<FileRow>, nextSeq: () => number): AsyncIterable<unknown[]> {
  for await (const r of rows) {
    const it = r.item;
    yield [
      nextSeq(),
      r.rowNumber,
      r.output,
      r.raw,
      r.reasons ? pgArray(r.reasons) : null,
      r.sourceRecordId ?? it?.sourceRecordId ?? null,
      it?.kind ?? null,
      it?.uscc ?? null,
      it?.scheme ?? null,
      it?.externalId ?? null,
      it?.departmentCode ?? null,
      it?.occurredOn ?? null,
      it ? JSON.stringify(it.data) : null,
      it?.contentHash ?? null,
    ];
  }
}

// A text[] literal for COPY: every element quoted, quotes and backslashes escaped.
function pgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
