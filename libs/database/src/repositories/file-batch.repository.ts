import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { PoolClient } from 'pg';
import { AuditRepository } from '../audit/audit.repository';
import { copyText } from '../copy-rows';
import { returningRows } from '../returning-rows';
import { publishTableCounters } from '../statistics';
import { BatchRepository, refusedStagedSql, type ApplyResult } from './batch.repository';

// Rows of a departmental file, already mapped, validated and in COPY text format (see
// @lianjian/ingestion file-rows: it owns the column order, this repository the table).
export interface FileRowChunks {
  columns: readonly string[];
  chunks: AsyncIterable<{ text: string; rows: number }>;
}

export interface FileApplyResult extends ApplyResult {
  rowsRead: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  // Wall time of each step of the apply, in ms (copy includes reading and mapping the file).
  phases?: Record<string, number>;
}

export interface StoredFileRow {
  id: string;
  source: string;
  contentHash: string;
  sizeBytes: number;
  originalName: string | null;
  storedPath: string;
  // When retention removed the stored file (the batch's records and refused rows stay); null: kept.
  purgedAt: string | null;
}

// A file purged by retention: its entry, and its batches.
export interface PurgedFile {
  id: string;
  source: string;
  contentHash: string;
  sizeBytes: number;
  storedPath: string;
  storedAt: string;
  batchIds: string[];
}

// Arbitrary constants: one upload of a source at a time checks its quota and stores its file; one
// upload or purge at a time moves a content hash's file into or out of the store (files are shared by
// content, so a purge never removes a file another source's upload has just kept).
const QUOTA_LOCK = 7_042_101;
const CONTENT_LOCK = 7_042_102;

@Injectable()
export class FileBatchRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly batches: BatchRepository,
    private readonly audit: AuditRepository,
  ) {}

  // The bytes of the source's stored files (not purged).
  async storedBytes(source: string): Promise<number> {
    const [r] = await this.ds.query(
      `SELECT coalesce(sum(size_bytes), 0)::float8 AS n FROM ingest_file WHERE source = $1 AND file_purged_at IS NULL`,
      [source],
    );
    return r.n as number;
  }

  // The batch that already took this exact file for this source (a re-upload changes nothing).
  async batchForFile(
    source: string,
    contentHash: string,
  ): Promise<{ fileId: string; batchId: string | null; status: string | null; purged: boolean } | undefined> {
    const rows = await this.ds.query(
      `SELECT f.id AS "fileId", b.id AS "batchId", b.status, f.file_purged_at IS NOT NULL AS purged
         FROM ingest_file f LEFT JOIN LATERAL (
           SELECT id, status FROM ingest_batch WHERE file_id = f.id ORDER BY created_at DESC LIMIT 1) b ON true
        WHERE f.source = $1 AND f.content_hash = $2`,
      [source, contentHash],
    );
    return rows[0];
  }

  // Records the stored file (again, when retention had purged it) and, when given, a batch for it, in
  // one transaction that first checks the source's quota: its files not purged, plus this one unless
  // it is among them, must stay within `quotaBytes` (0: no quota). Under the source's lock, so
  // concurrent uploads cannot all pass the check; `keep` moves the file into the store before the
  // commit. Over the quota nothing is recorded nor kept, and the bytes already used are returned.
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
    batch: { id: string; profileVersion: number } | null,
    guard: { quotaBytes: number; keep: () => Promise<unknown> } = {
      quotaBytes: 0,
      keep: async () => undefined,
    },
  ): Promise<{ overQuota?: { usedBytes: number } }> {
    return this.ds.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [QUOTA_LOCK, file.source]);
      await em.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [CONTENT_LOCK, file.contentHash]);
      if (guard.quotaBytes > 0) {
        const [u] = await em.query(
          `SELECT coalesce(sum(size_bytes), 0)::float8 AS used,
                  bool_or(content_hash = $2) AS held
             FROM ingest_file WHERE source = $1 AND file_purged_at IS NULL`,
          [file.source, file.contentHash],
        );
        const adds = u.held ? 0 : file.sizeBytes;
        if (u.used + adds > guard.quotaBytes) return { overQuota: { usedBytes: u.used as number } };
      }
      await em.query(
        `INSERT INTO ingest_file (id, source, content_hash, size_bytes, original_name, media_type, stored_path)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (source, content_hash) DO UPDATE
           SET file_purged_at = NULL, stored_at = now(), stored_path = EXCLUDED.stored_path
           WHERE ingest_file.file_purged_at IS NOT NULL`,
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
      await guard.keep();
      if (!batch) return {};
      const [{ id: fileId }] = await em.query(
        `SELECT id FROM ingest_file WHERE source = $1 AND content_hash = $2`,
        [file.source, file.contentHash],
      );
      await em.query(
        `INSERT INTO ingest_batch (id, source, origin, status, received, accepted, rejected, file_id, profile_version)
         VALUES ($1, $2, 'file', 'queued', 0, 0, 0, $3, $4)`,
        [batch.id, file.source, fileId, batch.profileVersion],
      );
      return {};
    });
  }

  // Marks up to `limit` files stored before `before` as purged, each audited as system:retention in
  // the same transaction. Files of a batch still queued or processing are left for a later run. The
  // caller removes the stored bytes afterwards (removeStored).
  async purgeStoredBefore(before: Date, limit: number): Promise<PurgedFile[]> {
    return this.ds.transaction(async (em) => {
      const rows = await returningRows<PurgedFile>(
        em,
        `WITH due AS (
           SELECT f.id FROM ingest_file f
            WHERE f.file_purged_at IS NULL AND f.stored_at < $1
              AND NOT EXISTS (SELECT 1 FROM ingest_batch b
                               WHERE b.file_id = f.id AND b.status IN ('queued', 'processing'))
            ORDER BY f.stored_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         UPDATE ingest_file f SET file_purged_at = now() FROM due WHERE f.id = due.id
         RETURNING f.id, f.source, f.content_hash AS "contentHash", f.size_bytes::float8 AS "sizeBytes",
                   f.stored_path AS "storedPath", f.stored_at AS "storedAt",
                   ARRAY(SELECT b.id::text FROM ingest_batch b WHERE b.file_id = f.id ORDER BY b.created_at) AS "batchIds"`,
        [before, limit],
      );
      for (const r of rows)
        await this.audit.append(
          {
            actor: 'system:retention',
            role: 'system',
            source: 'job:purge-files',
            action: 'file.purge',
            target: `file:${r.id}`,
            result: 'ok',
            detail: {
              source: r.source,
              contentHash: r.contentHash,
              sizeBytes: r.sizeBytes,
              storedAt: r.storedAt,
              batches: r.batchIds,
              before: before.toISOString(),
            },
          },
          em,
        );
      return rows;
    });
  }

  // Removes a purged file's bytes unless another source's entry still holds the same content, under
  // the content's lock (an upload of the same content keeps its file under it too).
  async removeStored(file: PurgedFile, remove: () => Promise<unknown>): Promise<boolean> {
    return this.ds.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [CONTENT_LOCK, file.contentHash]);
      const held = await em.query(
        `SELECT 1 FROM ingest_file WHERE stored_path = $1 AND file_purged_at IS NULL LIMIT 1`,
        [file.storedPath],
      );
      if (held.length) return false;
      await remove();
      return true;
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
              f.original_name AS "originalName", f.stored_path AS "storedPath",
              f.file_purged_at AS "purgedAt"
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
  // raw text and reasons; the rest goes through the same upsert as every batch. `counter` is read
  // once the rows are consumed (the reader fills it in as it goes).
  async apply(
    batchId: string,
    source: string,
    rows: FileRowChunks,
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
          seq bigint, row_number int, output text, raw text, reasons text[], source_record_id text, kind text,
          entity_uscc text, entity_scheme text, entity_ext_id text, department_code text, occurred_at date,
          data jsonb, content_hash text, duplicate boolean NOT NULL DEFAULT false) ON COMMIT DROP`);
      const phases: Record<string, number> = {};
      let t = Date.now();
      const lap = (name: string) => {
        const now = Date.now();
        phases[name] = now - t;
        t = now;
      };
      let staged = 0;
      await copyText(
        client,
        'file_row',
        rows.columns,
        (async function* () {
          for await (const c of rows.chunks) {
            staged += c.rows;
            if (c.text) yield c.text;
          }
        })(),
      );
      lap('copy');

      // Within one file, in one sort: an identical repeat counts once; the same id with other content
      // is refused, pointing at the first row.
      const [{ duplicates }] = await qr.query(`
        WITH ranked AS (
          SELECT seq, content_hash,
                 first_value(seq) OVER w AS first_seq, first_value(row_number) OVER w AS first_row,
                 first_value(content_hash) OVER w AS first_hash
            FROM file_row WHERE reasons IS NULL WINDOW w AS (PARTITION BY source_record_id ORDER BY seq)),
        marked AS (
          UPDATE file_row f
             SET duplicate = r.content_hash = r.first_hash,
                 reasons = CASE WHEN r.content_hash <> r.first_hash THEN
                   ARRAY['sourceRecordId: ''' || f.source_record_id || ''' also at row ' || r.first_row ||
                         ' with different content; correct one of the two rows (同一编号内容不一致)'] END
            FROM ranked r
           WHERE f.seq = r.seq AND r.seq <> r.first_seq
          RETURNING f.duplicate)
        SELECT count(*) FILTER (WHERE duplicate)::int AS duplicates FROM marked`);
      // A fresh temp table has no statistics; without them the planner picks nested loops. The join
      // keys are enough (sampling the jsonb column costs more than it tells).
      await qr.query(
        `ANALYZE file_row (source_record_id, entity_uscc, entity_scheme, entity_ext_id, reasons, duplicate)`,
      );
      lap('dedup');
      // Rows the records already stored refuse (moved to another department or entity, master data
      // outside the jurisdiction), under the source's lock so the check holds until the upsert.
      await this.batches.lockSource(qr.manager, source);
      await qr.query(
        `UPDATE file_row f SET reasons = r.reasons
           FROM (${refusedStagedSql('(SELECT * FROM file_row WHERE $1::uuid IS NOT NULL AND reasons IS NULL AND NOT duplicate)', 'seq')}) r
          WHERE f.seq = r.key`,
        [batchId, source],
      );
      lap('authority');
      const [{ rejected }] = await qr.query(
        `WITH ins AS (
           INSERT INTO ingest_rejection (batch_id, idx, row_number, output, source_record_id, raw_text, reasons, source)
           SELECT $1, row_number() OVER (ORDER BY seq) - 1, row_number, output, source_record_id, raw, reasons, $2
             FROM file_row WHERE reasons IS NOT NULL
           RETURNING 1)
         SELECT count(*)::int AS rejected FROM ins`,
        [batchId, source],
      );
      lap('rejections');
      const res = await this.batches.upsertStaged(qr.manager, 'file_row', batchId, source, lap);
      const accepted = staged - rejected;
      await qr.query(
        `UPDATE ingest_batch SET rows_read = $2, received = $3, accepted = $4, rejected = $5, duplicates = $6,
                file_notices = $7 WHERE id = $1`,
        [
          batchId,
          counter.rowsRead,
          staged,
          accepted,
          rejected,
          duplicates,
          JSON.stringify(counter.notices ?? []),
        ],
      );
      await publishTableCounters(qr.manager);
      await qr.commitTransaction();
      lap('commit');
      // A file is a bulk load: what it wrote gets fresh planner statistics where they no longer fit.
      await this.batches.analyzeLoaded(qr.manager);
      lap('analyze');
      return { ...res, rowsRead: counter.rowsRead, accepted, rejected, duplicates, phases };
    } catch (e) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw e;
    } finally {
      await qr.release();
    }
  }
}
