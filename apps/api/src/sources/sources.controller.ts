import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { ApiZodOk, jsonSchemaOf } from '../common/openapi';
import { batchAcceptedResponse } from '../batches/dto/batch.dto';
import { sourceListResponse } from './dto/source.dto';
import { Expensive } from '../rate-limit/rate-limit';
import { SourcesService } from './sources.service';
import { uploadStream } from './upload-stream';

@ApiTags('sources')
@Controller('api/v1/sources')
export class SourcesController {
  constructor(private readonly sources: SourcesService) {}

  @Get()
  @Allow('sources:read')
  @ApiOperation({ summary: 'Source profiles (数据源) and the health of each feed' })
  @ApiZodOk(sourceListResponse)
  list() {
    return this.sources.list();
  }

  @Post(':source/files')
  @Expensive()
  @Allow('records:ingest')
  @HttpCode(202)
  @ApiConsumes('multipart/form-data', 'text/csv', 'application/x-ndjson', 'application/octet-stream')
  @ApiOperation({
    summary: "Upload a department's file (上传数据文件), read with the source's profile",
    description:
      'multipart/form-data with the file in the field `file`, or the file as the raw body. 202 { batchId }.',
  })
  @ApiResponse({
    status: 202,
    description: '{ batchId, fileId, duplicate }: stored and queued (or the same file again)',
    schema: jsonSchemaOf(batchAcceptedResponse),
  })
  @ApiResponse({
    status: 413,
    description:
      "payload_too_large: over MAX_UPLOAD_MB; quota_exceeded: the source's stored files would pass its quota (INGEST_SOURCE_QUOTA_GB or the profile's storage.quotaGb), used and quota in the message. Nothing stored.",
  })
  @ApiResponse({ status: 507, description: 'insufficient_storage: the file store is full; nothing stored' })
  async upload(
    @Param('source') source: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Caller() caller: Principal,
  ) {
    try {
      return await this.sources.upload(caller, source, () => uploadStream(req));
    } catch (e) {
      // Refused before the body was read to its end (too large, unknown source…): the rest of the body
      // is not wanted, so the connection closes rather than being reused mid-upload.
      if (!req.complete) res.setHeader('connection', 'close');
      throw e;
    }
  }
}
