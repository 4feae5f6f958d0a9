import { Injectable } from '@nestjs/common';
import type { RejectionView } from '@lianjian/database';
import { FileIngestionService, IngestionService, SourceProfiles } from '@lianjian/ingestion';
import type { Principal } from '@lianjian/access';
import { assertMayReadSource, assertMaySend } from '../auth/scope';

export interface Rejections {
  batchId: string;
  // The first refused record is read before any byte is sent, so an unknown batch is still a 404.
  first: IteratorResult<RejectionView>;
  rest: AsyncGenerator<RejectionView>;
}

// Batches (批次): their report, their refused records, and a stored file run again.
@Injectable()
export class BatchesService {
  constructor(
    private readonly ingestion: IngestionService,
    private readonly files: FileIngestionService,
    private readonly profiles: SourceProfiles,
  ) {}

  async rerun(caller: Principal, batchId: string) {
    const b = await this.ingestion.batch(batchId); // 404 for an unknown batch
    assertMaySend(caller, b.source, this.profiles.find(b.source)?.profile.departmentCode);
    const id = await this.files.rerun(batchId);
    await this.files.enqueue(id);
    return { batchId: id, rerunOf: batchId };
  }

  async report(caller: Principal, batchId: string) {
    const b = await this.ingestion.report(batchId);
    assertMayReadSource(caller, b.source);
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
      createdAt: b.createdAt,
      finishedAt: b.finishedAt,
      // The first 1,000; all of them at /rejections.
      rejections: b.rejections.map(rejectionView),
    };
  }

  async rejections(caller: Principal, batchId: string): Promise<Rejections> {
    assertMayReadSource(caller, (await this.ingestion.batch(batchId)).source);
    const rest = this.ingestion.allRejections(batchId);
    return { batchId, first: await rest.next(), rest };
  }
}

export function rejectionView(r: RejectionView) {
  return {
    index: r.idx,
    rowNumber: r.rowNumber,
    output: r.output,
    sourceRecordId: r.sourceRecordId,
    raw: r.rawText ?? r.raw,
    reasons: r.reasons,
    resolvedAt: r.resolvedAt,
    resolvedByBatch: r.resolvedByBatch,
  };
}
