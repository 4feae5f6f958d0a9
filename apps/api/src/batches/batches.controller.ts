import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IngestionService } from '@lianjian/ingestion';

@ApiTags('records')
@Controller('api/v1/batches')
export class BatchesController {
  constructor(private readonly ingestion: IngestionService) {}

  @Get(':batchId')
  @ApiOperation({ summary: 'Batch report (批次处理报告): status and counts, rejected records with reasons' })
  async get(@Param('batchId') batchId: string) {
    const b = await this.ingestion.report(batchId);
    return {
      batchId: b.id,
      source: b.source,
      status: b.status,
      received: b.received,
      accepted: b.accepted,
      rejected: b.rejected,
      inserted: b.inserted,
      updated: b.updated,
      unchanged: b.unchanged,
      error: b.error,
      createdAt: b.createdAt,
      finishedAt: b.finishedAt,
      rejections: b.rejections.map((r) => ({ index: r.idx, sourceRecordId: r.sourceRecordId, reasons: r.reasons })),
    };
  }
}
