import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { rejectionsQuery, type RejectionsQuery } from './dto/batch.dto';
import { BatchesService } from './batches.service';
import { sendRejections } from './rejections-response';
import { AuditedRead } from '../common/audit-trail';

@ApiTags('records')
@Controller('api/v1/batches')
export class BatchesController {
  constructor(private readonly batches: BatchesService) {}

  @Post(':batchId/rerun')
  @HttpCode(202)
  @Allow('records:ingest')
  @ApiOperation({ summary: 'Run the stored file of a batch again as a new batch (重新处理)' })
  rerun(@Param('batchId') batchId: string, @Caller() caller: Principal) {
    return this.batches.rerun(caller, batchId);
  }

  @Get(':batchId')
  @AuditedRead()
  @Allow('batches:read')
  @ApiOperation({ summary: 'Batch report (批次处理报告): status, counts, refused records with reasons' })
  get(@Param('batchId') batchId: string, @Caller() caller: Principal) {
    return this.batches.report(caller, batchId);
  }

  @Get(':batchId/rejections')
  @AuditedRead()
  @Allow('batches:read')
  @ApiOperation({ summary: 'All refused records of a batch, as JSON or as a CSV download (退回记录下载)' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  async rejections(
    @Param('batchId') batchId: string,
    @Query(new ZodPipe(rejectionsQuery)) query: RejectionsQuery,
    @Res() res: Response,
    @Caller() caller: Principal,
  ) {
    await sendRejections(res, query.format, await this.batches.rejections(caller, batchId));
  }
}
