import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { ForbiddenError, NotFoundError } from '@lianjian/common';
import { BatchRepository, DepartmentRepository, type BatchRow, type RejectionView } from '@lianjian/database';
import { FileIngestionService, filePurged, IngestionService, SourceProfiles } from '@lianjian/ingestion';
import {
  can,
  inJurisdiction,
  maskFreeText,
  maskPersonalData,
  principalJurisdiction,
  type Principal,
} from '@lianjian/access';
import { assertMaySend } from '../auth/scope';
import type { BatchListQuery, RejectionsQuery } from './dto/batch.dto';

export type RejectionItem = ReturnType<typeof rejectionView>;

export interface Rejections {
  batchId: string;
  // Read from the database a page (BatchesService.PAGE rows) at a time, as the response takes them.
  rows: AsyncIterable<RejectionItem>;
}

// Batches (批次): their report, their refused records, and a stored file run again.
//
// Who sees a batch (issue 13, finding 8): a batch belongs to its source, a source to its department
// (the profile's departmentCode and allow-list, or the department a free-form source is bound to,
// ingest_source). API keys see the batches of their own sources; officers those of their own
// department's sources; every other role those of sources whose department's region (department.
// region_code) lies within their jurisdiction (a national role: all; a source bound to no department:
// national roles only). A batch outside that scope is answered 404 exactly like a missing one.
// Refused rows are shown as they were sent only to roles with personal-data:read; to the others the
// raw row and the reasons have ID numbers, phones, people's names and addresses masked.
@Injectable()
export class BatchesService {
  // Refused rows read per query when listing or streaming them.
  static readonly PAGE = 1000;

  constructor(
    private readonly ingestion: IngestionService,
    private readonly files: FileIngestionService,
    private readonly profiles: SourceProfiles,
    private readonly batches: BatchRepository,
    private readonly departments: DepartmentRepository,
  ) {}

  // A source's batches, newest first (the caller's scope as for one batch: outside it, 404).
  async list(caller: Principal, q: BatchListQuery) {
    if (!(await this.inScope(caller, q.source))) throw new NotFoundError(`no source ${q.source}`);
    const rows = await this.batches.listForSource(q.source, q.limit + 1, q.cursor);
    const page = rows.slice(0, q.limit);
    return {
      items: page.map(({ id, ...b }) => ({ batchId: id, ...b })),
      nextCursor: rows.length > q.limit ? page[page.length - 1].id : null,
    };
  }

  async rerun(caller: Principal, batchId: string) {
    const b = await this.visible(caller, batchId); // 404 for an unknown batch or one out of scope
    assertMaySend(caller, b.source, this.profiles.find(b.source)?.profile.departmentCode);
    const id = await this.files.rerun(batchId);
    await this.files.enqueue(id);
    return { batchId: id, rerunOf: batchId };
  }

  async report(caller: Principal, batchId: string) {
    await this.visible(caller, batchId);
    const b = await this.ingestion.report(batchId);
    const stored = b.fileId ? await this.files.storedFile(batchId) : undefined;
    const view = viewFor(caller);
    return {
      batchId: b.id,
      source: b.source,
      origin: b.origin,
      status: b.status,
      rowsRead: b.rowsRead,
      received: b.received,
      accepted: b.accepted,
      rejected: b.rejected,
      inserted: b.inserted,
      updated: b.updated,
      unchanged: b.unchanged,
      duplicates: b.duplicates,
      error: b.error,
      fileError: b.fileError,
      fileNotices: b.fileNotices,
      fileId: b.fileId,
      // Whether the stored file is still kept (retention, INGEST_RETENTION_DAYS, removes it; the
      // batch's records and refused rows stay); null for a batch that came without a file.
      file: stored ? { retained: !stored.purgedAt, purgedAt: stored.purgedAt } : null,
      createdAt: b.createdAt,
      finishedAt: b.finishedAt,
      // The first 1,000; all of them at /rejections.
      rejections: b.rejections.map(view),
    };
  }

  // One page of refused rows, by index after the cursor.
  async rejectionsPage(caller: Principal, batchId: string, q: Pick<RejectionsQuery, 'limit' | 'cursor'>) {
    await this.visible(caller, batchId);
    const rows = await this.batches.rejections(batchId, q.limit + 1, q.cursor ?? -1);
    const page = rows.slice(0, q.limit);
    return {
      batchId,
      items: page.map(viewFor(caller)),
      nextCursor: rows.length > q.limit ? String(page[page.length - 1].idx) : null,
    };
  }

  // Every refused row, for a download: checked now (a 404 before any byte is sent), read later.
  async rejections(caller: Principal, batchId: string): Promise<Rejections> {
    await this.visible(caller, batchId);
    const view = viewFor(caller);
    const batches = this.batches;
    async function* rows() {
      let after = -1;
      for (;;) {
        const page = await batches.rejections(batchId, BatchesService.PAGE, after);
        for (const r of page) yield view(r);
        if (page.length < BatchesService.PAGE) return;
        after = page[page.length - 1].idx;
      }
    }
    return { batchId, rows: rows() };
  }

  // The batch's stored file as it was uploaded: personal data unmasked, so for roles with
  // personal-data:read and the source's own API keys (others 403); 410 once retention removed it.
  async file(
    caller: Principal,
    batchId: string,
  ): Promise<{ stream: Readable; name: string; sizeBytes: number }> {
    await this.visible(caller, batchId);
    if (caller.kind !== 'apiKey' && !can(caller, 'personal-data:read'))
      throw new ForbiddenError(
        'the stored file is as it was sent, personal data unmasked: it needs personal-data:read / 原始文件含未脱敏个人信息，需要 personal-data:read 权限',
      );
    const f = await this.files.storedFile(batchId);
    if (!f) throw new NotFoundError(`batch ${batchId} did not come from a file`);
    if (f.purgedAt) throw filePurged(batchId, f.purgedAt);
    const stream = await this.files.store.open(f.storedPath).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') throw new NotFoundError(`the stored file of batch ${batchId} is missing`);
      throw e;
    });
    return { stream, name: f.originalName ?? `batch-${batchId}`, sizeBytes: f.sizeBytes };
  }

  // The batch, if the caller may see it; else the 404 of a batch that does not exist.
  private async visible(caller: Principal, batchId: string): Promise<BatchRow> {
    const b = await this.ingestion.batch(batchId);
    if (!(await this.inScope(caller, b.source))) throw new NotFoundError(`no batch ${batchId}`);
    return b;
  }

  private async inScope(caller: Principal, source: string): Promise<boolean> {
    if (caller.kind === 'apiKey') return caller.sources.includes(source);
    const owners = await this.owners(source);
    if (caller.role === 'department_officer')
      return !!caller.departmentCode && owners.includes(caller.departmentCode);
    const prefix = principalJurisdiction(caller) ?? '';
    if (prefix === '') return true;
    const departments = await this.departments.list();
    return owners.some((code) =>
      inJurisdiction(prefix, departments.find((d) => d.code === code)?.regionCode),
    );
  }

  // The departments a source belongs to: its profile's (and its allow-list), or its binding.
  private async owners(source: string): Promise<string[]> {
    const profile = this.profiles.find(source)?.profile;
    if (profile)
      return [...(profile.departmentCode ? [profile.departmentCode] : []), ...profile.allowedDepartments];
    const owner = await this.batches.sourceOwner(source);
    return owner ? [owner] : [];
  }
}

// How the caller sees a refused row: as sent with personal-data:read, masked without.
function viewFor(caller: Principal): (r: RejectionView) => RejectionItem {
  if (can(caller, 'personal-data:read')) return rejectionView;
  return (r) => {
    const v = rejectionView(r);
    return {
      ...v,
      raw: typeof v.raw === 'string' ? maskFreeText(v.raw) : maskPersonalData(v.raw),
      reasons: v.reasons.map(maskFreeText),
    };
  };
}

export function rejectionView(r: RejectionView) {
  return {
    index: r.idx,
    rowNumber: r.rowNumber,
    output: r.output,
    sourceRecordId: r.sourceRecordId,
    raw: (r.rawText ?? r.raw) as unknown,
    reasons: r.reasons,
    resolvedAt: r.resolvedAt,
    resolvedByBatch: r.resolvedByBatch,
  };
}
