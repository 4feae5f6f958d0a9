import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { FileIngestionService, IngestionService, SourceProfiles } from '@lianjian/ingestion';
import type { RejectionView } from '@lianjian/database';
import { ForbiddenError } from '@lianjian/common';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { assertMaySend } from '../auth/scope';
import { parseParams } from '../common/query';
import { csvLine } from './rejections-csv';

const rejectionsQuery = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });

function rejectionView(r: RejectionView) {
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

// A departmental system reads the batches of its own sources only.
function ownSourceOnly(caller: Principal, source: string): void {
  if (caller.kind === 'apiKey' && !caller.sources.includes(source))
    throw new ForbiddenError(
      `batch of source ${source}: this API key is scoped to ${caller.sources.join(', ')}`,
    );
}

@ApiTags('records')
@Controller('api/v1/batches')
export class BatchesController {
  constructor(
    private readonly ingestion: IngestionService,
    private readonly files: FileIngestionService,
    private readonly profiles: SourceProfiles,
  ) {}

  @Post(':batchId/rerun')
  @HttpCode(202)
  @Allow('records:ingest')
  @ApiOperation({ summary: 'Run the stored file of a batch again as a new batch (重新处理)' })
  async rerun(@Param('batchId') batchId: string, @Caller() caller: Principal) {
    const b = await this.ingestion.batch(batchId); // 404 for an unknown batch
    assertMaySend(caller, b.source, this.profiles.find(b.source)?.profile.departmentCode);
    const id = await this.files.rerun(batchId);
    await this.files.enqueue(id);
    return { batchId: id, rerunOf: batchId };
  }

  @Get(':batchId')
  @Allow('batches:read')
  @ApiOperation({ summary: 'Batch report (批次处理报告): status, counts, refused records with reasons' })
  async get(@Param('batchId') batchId: string, @Caller() caller: Principal) {
    const b = await this.ingestion.report(batchId);
    ownSourceOnly(caller, b.source);
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

  @Get(':batchId/rejections')
  @Allow('batches:read')
  @ApiOperation({ summary: 'All refused records of a batch, as JSON or as a CSV download (退回记录下载)' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  async rejections(
    @Param('batchId') batchId: string,
    @Query() query: unknown,
    @Res() res: Response,
    @Caller() caller: Principal,
  ) {
    const { format } = parseParams(rejectionsQuery, query);
    ownSourceOnly(caller, (await this.ingestion.batch(batchId)).source);
    const rows = this.ingestion.allRejections(batchId);
    const first = await rows.next(); // 404 before any byte is sent
    if (format === 'json') {
      const items = first.done ? [] : [rejectionView(first.value)];
      for await (const r of rows) items.push(rejectionView(r));
      res.json({ batchId, items });
      return;
    }
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="rejections-${batchId}.csv"`);
    // UTF-8 BOM so spreadsheet software shows Chinese text correctly.
    res.write(
      '\ufeff' +
        csvLine(['row_number', 'index', 'output', 'source_record_id', 'reasons', 'raw', 'resolved_at']),
    );
    const write = (r: RejectionView) =>
      res.write(
        csvLine([
          r.rowNumber,
          r.idx,
          r.output,
          r.sourceRecordId,
          r.reasons.join('; '),
          r.rawText ?? r.raw,
          r.resolvedAt,
        ]),
      );
    if (!first.done) write(first.value);
    for await (const r of rows) write(r);
    res.end();
  }
}
