import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { Expensive } from '../rate-limit/rate-limit';
import {
  batchAcceptedResponse,
  batchListQuery,
  batchListResponse,
  batchReportResponse,
  rejectionsPageResponse,
  rejectionsQuery,
  type BatchListQuery,
  type RejectionsQuery,
} from './dto/batch.dto';
import { ApiZodOk, ApiZodQuery, jsonSchemaOf } from '../common/openapi';
import { BatchesService } from './batches.service';
import { sendRejections } from './rejections-response';
import { AuditedRead, auditStreamedRead } from '../common/audit-trail';

@ApiTags('records')
@Controller('api/v1/batches')
export class BatchesController {
  constructor(private readonly batches: BatchesService) {}

  @Get()
  @AuditedRead()
  @Allow('batches:read')
  @ApiOperation({
    summary: "A source's batches (数据源批次), newest first, paged by cursor",
    description: 'Within the scope of the source (else 404, as for one of its batches).',
  })
  @ApiZodQuery(batchListQuery)
  @ApiZodOk(batchListResponse)
  list(@Query(new ZodPipe(batchListQuery)) query: BatchListQuery, @Caller() caller: Principal) {
    return this.batches.list(caller, query);
  }

  @Post(':batchId/rerun')
  @Expensive()
  @HttpCode(202)
  @Allow('records:ingest')
  @ApiOperation({ summary: 'Run the stored file of a batch again as a new batch (重新处理)' })
  @ApiResponse({
    status: 202,
    description: '{ batchId, rerunOf }',
    schema: jsonSchemaOf(batchAcceptedResponse),
  })
  @ApiResponse({
    status: 410,
    description:
      'gone: the stored file was removed by retention (INGEST_RETENTION_DAYS); the batch report and refused rows remain; upload the file again',
  })
  rerun(@Param('batchId') batchId: string, @Caller() caller: Principal) {
    return this.batches.rerun(caller, batchId);
  }

  @Get(':batchId')
  @AuditedRead()
  @Allow('batches:read')
  @ApiOperation({
    summary: 'Batch report (批次处理报告): status, counts, refused records with reasons',
    description:
      'file: { retained, purgedAt } for a batch from a file: retained false once retention (INGEST_RETENTION_DAYS) removed the stored file; its records and refused rows stay.',
  })
  @ApiZodOk(batchReportResponse)
  get(@Param('batchId') batchId: string, @Caller() caller: Principal) {
    return this.batches.report(caller, batchId);
  }

  @Get(':batchId/rejections')
  @Expensive()
  @AuditedRead()
  @Allow('batches:read')
  @ApiOperation({
    summary:
      'Refused records of a batch: a page of JSON (limit, cursor), or every one streamed as a CSV or JSON download (退回记录下载)',
    description:
      'Within the scope of the batch source (else 404); ID numbers, phones, names and addresses masked without personal-data:read.',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiQuery({ name: 'limit', required: false, description: 'JSON page size, 1-5000 (default 1000)' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the page before' })
  @ApiQuery({
    name: 'download',
    required: false,
    enum: ['true', 'false'],
    description: 'JSON: every row, streamed',
  })
  @ApiZodOk(rejectionsPageResponse, 'a page of JSON; format=csv or download=true: a streamed attachment')
  async rejections(
    @Param('batchId') batchId: string,
    @Query(new ZodPipe(rejectionsQuery)) query: RejectionsQuery,
    @Req() req: Request,
    @Res() res: Response,
    @Caller() caller: Principal,
  ) {
    if (query.format === 'json' && !query.download) {
      res.json(await this.batches.rejectionsPage(caller, batchId, query));
      return;
    }
    const rejections = await this.batches.rejections(caller, batchId);
    await auditStreamedRead(req);
    await sendRejections(res, query.format, rejections);
  }

  @Get(':batchId/file')
  @Expensive()
  @AuditedRead()
  @Allow('batches:read')
  @ApiOperation({
    summary: 'The stored file of a batch, as it was uploaded (原始文件下载)',
    description:
      "Within the scope of the batch source (else 404). Personal data is not masked: roles with personal-data:read and the source's own API keys only (else 403). Always sent as application/octet-stream, as an attachment.",
  })
  @ApiResponse({ status: 200, description: 'the file, as it was uploaded' })
  @ApiResponse({ status: 403, description: 'no personal-data:read' })
  @ApiResponse({
    status: 410,
    description:
      'gone: the stored file was removed by retention (INGEST_RETENTION_DAYS); the batch report and refused rows remain',
  })
  async file(
    @Param('batchId') batchId: string,
    @Req() req: Request,
    @Res() res: Response,
    @Caller() caller: Principal,
  ) {
    const f = await this.batches.file(caller, batchId);
    await auditStreamedRead(req);
    // Never the type the uploader claimed: a file of HTML is not served as a page.
    res.setHeader('content-type', 'application/octet-stream');
    res.setHeader('content-length', String(f.sizeBytes));
    res.setHeader('content-disposition', attachment(f.name));
    await pipeline(f.stream, res);
  }
}

// Content-Disposition for a name the uploader chose: an ASCII fallback and the UTF-8 name (RFC 6266).
function attachment(name: string): string {
  const ascii = name.replace(/[^\w.-]/g, '_').slice(0, 200) || 'file';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(wellFormed(name.slice(0, 200)))}`;
}

// Lone surrogates (which encodeURIComponent refuses) as U+FFFD.
const wellFormed = (s: string) =>
  s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
