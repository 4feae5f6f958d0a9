import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IngestionService, MAX_RECORDS_PER_REQUEST, SourceProfiles } from '@lianjian/ingestion';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { assertMaySend } from '../auth/scope';

@ApiTags('records')
@Controller('api/v1/records')
export class RecordsController {
  constructor(
    private readonly ingestion: IngestionService,
    private readonly profiles: SourceProfiles,
  ) {}

  @Post()
  @Allow('records:ingest')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Submit canonical records (提交检查、处罚、名录等记录)',
    description: `Validates every record (at most ${MAX_RECORDS_PER_REQUEST}), durably stores the valid ones, rejects the others with reasons per record.`,
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['source', 'records'],
      properties: { source: { type: 'string' }, records: { type: 'array', items: { type: 'object' } } },
    },
  })
  @ApiResponse({
    status: 202,
    description: '{ batchId, accepted, rejected: [ { index, sourceRecordId, reasons } ] }',
  })
  @ApiResponse({ status: 400, description: 'not JSON, or not { source, records }: nothing stored' })
  @ApiResponse({ status: 413, description: 'body over the size limit: nothing stored' })
  @ApiResponse({ status: 403, description: 'the API key is not scoped to this source' })
  submit(@Body() body: unknown, @Caller() caller: Principal) {
    const b = (body ?? {}) as { source?: unknown; records?: unknown };
    // A malformed body is left to submit() to refuse with its reasons (400).
    if (typeof b.source === 'string')
      assertMaySend(caller, b.source, this.profiles.find(b.source)?.profile.departmentCode, () =>
        Array.isArray(b.records)
          ? b.records.map((r) => String((r as { departmentCode?: unknown } | null)?.departmentCode ?? ''))
          : [],
      );
    return this.ingestion.submit(body);
  }
}
