import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';
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

// Rows per chunk of a file: about 50 MB of rows in memory at most, and big enough for set-based SQL.
const CHUNK_ROWS = 50_000;

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
      // The first occurrence of every id in the file: repeats are found across chunks by key.
      await qr.query(
        `CREATE TEMP TABLE file_first (source_record_id text PRIMARY KEY, seq int, row_number int, content_hash text)
         ON COMMIT DROP`,
      );
      await qr.query(`CREATE TEMP TABLE bulk_item (LIKE ingest_item) ON COMMIT DROP`);

      // Chunks: while PostgreSQL applies one, Node reads and maps the next (one core each).
      const total = { inserted: 0, updated: 0, unchanged: 0, accepted: 0, rejected: 0, duplicates: 0 };
      const touched = new Set<string>();
      let seq = 0;
      let analyzed = false;
      let pending: Promise<void> = Promise.resolve();
      const applyChunk = async (from: number, to: number): Promise<void> => {
        if (!analyzed) {
          await qr.query(`ANALYZE file_row (seq, source_record_id)`);
          analyzed = true;
        }
        const c = await this.applyChunk(qr, batchId, source, from, to);
        total.inserted += c.inserted;
        total.updated += c.updated;
        total.unchanged += c.unchanged;
        total.accepted += c.accepted;
        total.rejected += c.rejected;
        total.duplicates += c.duplicates;
        for (const id of c.touchedEntityIds) touched.add(id);
      };
      const flush = async (chunk: FileRow[]): Promise<void> => {
        await pending;
        const from = seq;
        await copyRows(
          client,
          'file_row',
          FILE_ROW_COLUMNS,
          toCopy(chunk, () => seq++),
        );
        pending = applyChunk(from, seq);
        // A failure surfaces at the next await; until then it must not count as unhandled.
        pending.catch(() => undefined);
      };
      let buf: FileRow[] = [];
      for await (const r of rows) {
        buf.push(r);
        if (buf.length >= CHUNK_ROWS) {
          await flush(buf);
          buf = [];
        }
      }
      if (buf.length) await flush(buf);
      await pending;

      const res: ApplyResult = {
        alreadyApplied: false,
        inserted: total.inserted,
        updated: total.updated,
        unchanged: total.unchanged,
        touchedEntityIds: [...touched],
      };
      const { accepted, rejected, duplicates } = total;
      await qr.query(
        `UPDATE ingest_batch SET status = 'done', finished_at = now(), rows_read = $2, received = $3, accepted = $4,
                rejected = $5, duplicates = $6, inserted = $7, updated = $8, unchanged = $9, file_notices = $10
          WHERE id = $1`,
        [
          batchId,
          counter.rowsRead,
          seq,
          accepted,
          rejected,
          duplicates,
          total.inserted,
          total.updated,
          total.unchanged,
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

  // One chunk [from, to) of a file: the first occurrence of each id in the file wins; a later identical
  // row counts as a repeat, a later different one is refused; refused rows are kept; the rest is applied.
  private async applyChunk(
    qr: QueryRunner,
    batchId: string,
    source: string,
    from: number,
    to: number,
  ): Promise<ApplyResult & { accepted: number; rejected: number; duplicates: number }> {
    // Ids seen for the first time in this chunk become firsts (the lowest row wins).
    await qr.query(
      `INSERT INTO file_first (source_record_id, seq, row_number, content_hash)
       SELECT DISTINCT ON (source_record_id) source_record_id, seq, row_number, content_hash
         FROM file_row WHERE seq >= $1 AND seq < $2 AND reasons IS NULL
        ORDER BY source_record_id, seq
       ON CONFLICT (source_record_id) DO NOTHING`,
      [from, to],
    );
    await qr.query(
      `UPDATE file_row f
          SET reasons = ARRAY['sourceRecordId: ''' || f.source_record_id || ''' also at row ' || x.row_number ||
                              ' with different content; correct one of the two rows (同一编号内容不一致)']
         FROM file_first x
        WHERE f.seq >= $1 AND f.seq < $2 AND f.reasons IS NULL AND x.source_record_id = f.source_record_id
          AND x.seq <> f.seq AND x.content_hash <> f.content_hash`,
      [from, to],
    );
    await qr.query(`TRUNCATE bulk_item`);
    const [counts] = await qr.query(
      `WITH chunk AS (
         SELECT f.*, x.seq AS first_seq FROM file_row f LEFT JOIN file_first x ON x.source_record_id = f.source_record_id
          WHERE f.seq >= $1 AND f.seq < $2),
       staged AS (
         INSERT INTO bulk_item (batch_id, idx, source_record_id, kind, entity_uscc, entity_scheme, entity_ext_id,
                                department_code, occurred_at, data, content_hash)
         SELECT $3::uuid, seq, source_record_id, kind, entity_uscc, entity_scheme, entity_ext_id, department_code,
                occurred_at, data, content_hash
           FROM chunk WHERE reasons IS NULL AND seq = first_seq
         RETURNING 1),
       refused AS (
         INSERT INTO ingest_rejection (batch_id, idx, row_number, output, source_record_id, raw_text, reasons, source)
         SELECT $3, seq, row_number, output, source_record_id, raw, reasons, $4 FROM chunk WHERE reasons IS NOT NULL
         RETURNING 1)
       SELECT (SELECT count(*)::int FROM chunk WHERE reasons IS NULL) AS accepted,
              (SELECT count(*)::int FROM refused) AS rejected,
              (SELECT count(*)::int FROM chunk WHERE reasons IS NULL AND seq <> first_seq) AS duplicates`,
      [from, to, batchId, source],
    );
    await qr.query(
      `ANALYZE bulk_item (batch_id, entity_uscc, entity_scheme, entity_ext_id, source_record_id)`,
    );
    const res = await this.batches.upsertStaged(qr.manager, 'bulk_item', batchId, source);
    return { ...res, accepted: counts.accepted, rejected: counts.rejected, duplicates: counts.duplicates };
  }
}

function* toCopy(rows: Iterable<FileRow>, nextSeq: () => number): Iterable<unknown[]> {
  for (const r of rows) {
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
