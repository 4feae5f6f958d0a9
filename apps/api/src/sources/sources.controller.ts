import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { feedHealth, FileIngestionService, SourceProfiles } from '@lianjian/ingestion';
import { SourceHealthRepository } from '@lianjian/database';
import type { Principal } from '@lianjian/access';
import { uploadStream } from './upload-stream';
import { Allow, Caller } from '../auth/access.decorator';
import { assertMaySend } from '../auth/scope';

@ApiTags('sources')
@Controller('api/v1/sources')
export class SourcesController {
  constructor(
    private readonly profiles: SourceProfiles,
    private readonly files: FileIngestionService,
    private readonly health: SourceHealthRepository,
  ) {}

  @Get()
  @Allow('sources:read')
  @ApiOperation({ summary: 'Source profiles (数据源) and the health of each feed' })
  async list() {
    const stats = await this.health.stats();
    const now = new Date();
    return {
      items: this.profiles.list().map(({ profile }) => ({
        id: profile.id,
        version: profile.version,
        department: profile.departmentCode,
        format: profile.format,
        encoding: profile.encoding,
        description: profile.description,
        health: feedHealth(stats.get(profile.id), now),
      })),
    };
  }

  @Post(':source/files')
  @Allow('records:ingest')
  @HttpCode(202)
  @ApiConsumes('multipart/form-data', 'text/csv', 'application/x-ndjson', 'application/octet-stream')
  @ApiOperation({
    summary: "Upload a department's file (上传数据文件), read with the source's profile",
    description:
      'multipart/form-data with the file in the field `file`, or the file as the raw body. 202 { batchId }.',
  })
  async upload(
    @Param('source') source: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Caller() caller: Principal,
  ) {
    try {
      // Unknown source (404) or one the caller may not send for (403): refused before reading the body.
      assertMaySend(caller, source, this.profiles.get(source).profile.departmentCode);
      const up = await uploadStream(req);
      const out = await this.files.accept(source, up.stream, {
        originalName: up.filename,
        mediaType: up.mediaType,
      });
      if (!out.duplicate) await this.files.enqueue(out.batchId);
      return out;
    } catch (e) {
      // Refused before the body was read to its end (too large, unknown source…): the rest of the body
      // is not wanted, so the connection closes rather than being reused mid-upload.
      if (!req.complete) res.setHeader('connection', 'close');
      throw e;
    }
  }
}
