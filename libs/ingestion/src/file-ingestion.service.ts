import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  DepartmentRepository,
  FileBatchRepository,
  type FileApplyResult,
  type StoredFileRow,
} from '@lianjian/database';
import {
  afterCommit,
  DomainError,
  METRICS,
  NO_METRICS,
  NotFoundError,
  todayInShanghai,
  withTimeout,
  type Metrics,
} from '@lianjian/common';
import { JobName, JobQueue } from '@lianjian/queue';
import { FileStore } from './file-store';
import { createFileReadInfo, fileLimitsFromEnv, FileRefusedError, readRowBatches } from './files';
import type { FileLimits, SourceProfile } from './files';
import { SourceProfiles } from './source-profiles.service';
import { FILE_ROW_COLUMNS } from './file-rows';
import { serializeRows } from './row-worker-pool';
import { SourceBindings } from './source-bindings.service';
import type { Sender } from './send-policy';

export interface UploadResult {
  batchId: string;
  fileId: string;
  duplicate: boolean;
}

// Departmental files: stored by content hash, then read, mapped by the source profile, validated and
// applied as one batch — streaming end to end, so memory does not grow with the file.
@Injectable()
export class FileIngestionService implements OnApplicationBootstrap {
  private readonly log = new Logger(FileIngestionService.name);
  readonly store: FileStore;
  private readonly threads: number;
  private readonly threadsFromBytes: number;
  private readonly urgentMax: number;
  private readonly fileLimits: FileLimits;
  private readonly quotaGb: number;
  private readonly retentionDays: number;

  constructor(
    private readonly files: FileBatchRepository,
    private readonly departments: DepartmentRepository,
    private readonly profiles: SourceProfiles,
    private readonly jobs: JobQueue,
    private readonly bindings: SourceBindings,
    config: ConfigService,
    @Optional() @Inject(METRICS) private readonly metrics: Metrics = NO_METRICS,
  ) {
    this.store = new FileStore(
      config.getOrThrow<string>('FILE_STORE_DIR'),
      config.getOrThrow<number>('MAX_UPLOAD_MB') * 1024 * 1024,
    );
    this.threads = config.getOrThrow<number>('INGEST_THREADS');
    this.threadsFromBytes = config.getOrThrow<number>('INGEST_THREADS_MIN_MB') * 1024 * 1024;
    this.urgentMax = config.getOrThrow<number>('INGEST_URGENT_MAX_RECORDS');
    this.fileLimits = fileLimitsFromEnv((name) => config.get<number>(name));
    this.quotaGb = config.get<number>('INGEST_SOURCE_QUOTA_GB') ?? 100;
    this.retentionDays = config.get<number>('INGEST_RETENTION_DAYS') ?? 180;
  }

  // Uploads cut short by a killed process leave a temporary file: removed when a process starts.
  async onApplicationBootstrap(): Promise<void> {
    try {
      const n = await this.store.sweepAbandoned();
      if (n) this.log.warn(`removed ${n} temporary file(s) of uploads whose process died`);
    } catch (e) {
      this.log.warn(`could not sweep the file store's temporary files: ${(e as Error).message}`);
    }
  }

  // Stores the file and creates its batch. The same file for the same source again is recognised and
  // changes nothing (its earlier batch is returned), unless that batch failed, then it is tried again.
  // The sender must be allowed to send under the source (403 before anything is stored); each row is
  // checked against the profile when the file is processed.
  async accept(
    source: string,
    input: Readable,
    meta: { originalName?: string; mediaType?: string },
    sender: Sender,
  ): Promise<UploadResult> {
    const { profile } = this.profiles.get(source);
    await this.bindings.forSender(source, sender);
    // The source's quota: a source already at it is refused before the body is read (even a file it
    // holds already, which would change nothing), an upload larger than the whole quota is cut where
    // it passes it, and the exact check (this file's bytes unless the source holds it already) is made
    // under the source's lock as the file is recorded.
    const quota = this.quotaBytes(profile);
    const used = quota > 0 ? await this.files.storedBytes(source) : 0;
    if (quota > 0 && used >= quota) throw quotaExceeded(source, used, quota);
    const received = await this.store.receive(input, {
      maxBytes: quota > 0 ? quota : undefined,
      tooLarge: () => quotaExceeded(source, used, quota),
    });
    try {
      if (received.sizeBytes === 0)
        throw new DomainError('invalid_body', 'the file is empty; nothing was stored (文件为空)');
      const existing = await this.files.batchForFile(source, received.contentHash);
      const file = {
        id: randomUUID(),
        source,
        contentHash: received.contentHash,
        sizeBytes: received.sizeBytes,
        originalName: meta.originalName ?? null,
        mediaType: meta.mediaType ?? null,
        storedPath: received.path,
      };
      const guard = { quotaBytes: quota, keep: () => this.store.keep(received) };
      if (existing?.batchId && existing.status !== 'failed') {
        // The same file again changes nothing; one retention purged is stored again (and counted).
        if (existing.purged) {
          const r = await this.files.createFileBatch(file, null, guard);
          if (r.overQuota) throw quotaExceeded(source, r.overQuota.usedBytes, quota);
        }
        return { batchId: existing.batchId, fileId: existing.fileId, duplicate: true };
      }
      const batchId = randomUUID();
      const r = await this.files.createFileBatch(
        file,
        { id: batchId, profileVersion: profile.version },
        guard,
      );
      if (r.overQuota) throw quotaExceeded(source, r.overQuota.usedBytes, quota);
      const stored = await this.files.file(batchId);
      return { batchId, fileId: stored!.id, duplicate: false };
    } finally {
      await this.store.discard(received); // nothing left when kept: keep() moved it
    }
  }

  // The stored bytes a source may hold (0: no quota): its profile's storage.quotaGb, else
  // INGEST_SOURCE_QUOTA_GB.
  quotaBytes(profile: SourceProfile): number {
    return Math.floor((profile.storage.quotaGb ?? this.quotaGb) * GIB);
  }

  // Retention (INGEST_RETENTION_DAYS, the worker's purge-files job): stored files older than that are
  // removed; their batches keep their records and refused rows and say the file is no longer
  // retained. Each purge is audited (system:retention). The bytes of a file another source still
  // holds (the same content) stay. Returns how many files were purged and how many bytes removed.
  async purgeExpired(now = new Date()): Promise<{ purged: number; bytesRemoved: number }> {
    if (this.retentionDays <= 0) return { purged: 0, bytesRemoved: 0 };
    const before = new Date(now.getTime() - this.retentionDays * 86_400_000);
    let purged = 0;
    let bytesRemoved = 0;
    for (;;) {
      const files = await this.files.purgeStoredBefore(before, PURGE_BATCH);
      for (const f of files) {
        purged++;
        if (await this.files.removeStored(f, () => this.store.remove(f.storedPath)))
          bytesRemoved += f.sizeBytes;
      }
      if (files.length < PURGE_BATCH) break;
    }
    if (purged)
      this.log.log(
        `retention: purged ${purged} stored file(s) older than ${this.retentionDays} days, ${bytesRemoved} bytes removed`,
      );
    return { purged, bytesRemoved };
  }

  // The batch's stored file: where it is, and whether retention purged it.
  storedFile(batchId: string): Promise<StoredFileRow | undefined> {
    return this.files.file(batchId);
  }

  // Runs a stored file again as a new batch (the earlier batch and its report stay as they were).
  async rerun(batchId: string): Promise<string> {
    const file = await this.files.file(batchId);
    if (!file) throw new NotFoundError(`no file batch ${batchId}`);
    if (file.purgedAt) throw filePurged(batchId, file.purgedAt);
    const { profile } = this.profiles.get(file.source);
    const id = randomUUID();
    await this.files.rerun(batchId, id, profile.version);
    return id;
  }

  // A batch whose job cannot be enqueued now (Redis down) stays queued; the worker's sweep retries.
  // Inside a request transaction the job is queued once the batch has committed; a failure then is
  // left to the sweep as well.
  async enqueue(batchId: string): Promise<boolean> {
    let queued = true;
    await afterCommit(async () => (queued = await this.tryEnqueue(batchId)));
    return queued;
  }

  private async tryEnqueue(batchId: string): Promise<boolean> {
    try {
      await withTimeout(
        // A file is bulk: it yields to small batches (see IngestionService.enqueueApply).
        this.jobs.add(
          JobName.IngestFile,
          { batchId },
          { jobId: `ingest-file-${batchId}`, ...(this.urgentMax > 0 ? { priority: 1 } : {}) },
        ),
        2000,
      );
      return true;
    } catch (e) {
      this.log.warn(
        `file batch ${batchId} stored but not enqueued (${(e as Error).message}); the sweep will retry`,
      );
      return false;
    }
  }

  // The sweep's enqueue (see IngestionService.ensureQueued): true when the job was added or retried.
  async ensureQueued(batchId: string): Promise<boolean> {
    const n = await withTimeout(
      this.jobs.ensureJobs(JobName.IngestFile, [
        {
          data: { batchId },
          opts: { jobId: `ingest-file-${batchId}`, ...(this.urgentMax > 0 ? { priority: 1 } : {}) },
        },
      ]),
      2000,
    );
    return n > 0;
  }

  // Reads, maps, validates and applies the batch's file (worker or CLI). Idempotent: a finished batch
  // is not applied again.
  async process(batchId: string): Promise<FileApplyResult | { refused: string }> {
    const file = await this.files.file(batchId);
    if (!file) throw new Error(`batch ${batchId} has no file`);
    const { profile } = this.profiles.get(file.source);
    const departmentCodes = [...(await this.departments.codes())];
    // What the reader observes about the whole file (header only, probably GBK…) goes into the report.
    const info = createFileReadInfo(profile);
    // Threads pay off on large files only (starting one takes ~0.1 s).
    const threads = file.sizeBytes >= this.threadsFromBytes ? this.threads : 0;
    try {
      const chunks = serializeRows(
        readRowBatches(await this.store.open(file.storedPath), profile, info, this.fileLimits),
        {
          profile,
          today: todayInShanghai(),
          departmentCodes,
          threads,
        },
      );
      const res = await this.files.apply(batchId, file.source, { columns: FILE_ROW_COLUMNS, chunks }, info);
      if (!res.alreadyApplied) {
        this.metrics.recordsReceived('file', res.accepted, res.rejected);
        this.metrics.recordsApplied(res);
        this.log.log(
          `file batch ${batchId} (${file.source}): ${res.rowsRead} rows, ${res.inserted} inserted, ${res.updated} updated, ` +
            `${res.unchanged} unchanged, ${res.duplicates} duplicates, ${res.rejected} rejected`,
        );
        await this.jobs.add(JobName.EvaluateBatch, { batchId }, { jobId: `evaluate-${batchId}` });
        await this.jobs.rescoreBatch(batchId, res.touchedEntityIds);
      }
      return res;
    } catch (e) {
      if (e instanceof FileRefusedError) {
        await this.files.refuse(batchId, { code: e.code, message: e.text, details: e.details });
        return { refused: e.code };
      }
      throw e;
    }
  }
}

const GIB = 1024 ** 3;
const PURGE_BATCH = 100;
const amount = (bytes: number) => `${bytes.toLocaleString('en-US')} bytes (${(bytes / GIB).toFixed(2)} GB)`;

// 413 quota_exceeded: the source's stored files and this one would pass its quota.
export function quotaExceeded(source: string, usedBytes: number, quotaBytes: number): DomainError {
  return new DomainError(
    'quota_exceeded',
    `数据源 ${source} 已存文件 ${amount(usedBytes)}，存储配额 ${amount(quotaBytes)}（INGEST_SOURCE_QUOTA_GB 或档案的 storage.quotaGb），文件未保存 ` +
      `(source ${source} holds ${amount(usedBytes)} of stored files, its quota is ${amount(quotaBytes)} ` +
      `(INGEST_SOURCE_QUOTA_GB or the profile's storage.quotaGb); this file would pass it, nothing was stored)`,
    [{ source, usedBytes, quotaBytes }],
  );
}

// 410 gone: the batch's stored file was removed by retention (its report and refused rows remain).
export function filePurged(batchId: string, purgedAt: string | Date): DomainError {
  const at = new Date(purgedAt).toISOString();
  return new DomainError(
    'gone',
    `批次 ${batchId} 的原始文件已按保存期限（INGEST_RETENTION_DAYS）于 ${at} 删除，批次报告和退回记录仍保留；如需重新处理请重新上传文件 ` +
      `(the stored file of batch ${batchId} was removed by retention (INGEST_RETENTION_DAYS) at ${at}; ` +
      `the batch report and refused rows remain; upload the file again to process it again)`,
    [{ batchId, purgedAt: at }],
  );
}
