import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { MAX_RECORDS_PER_REQUEST } from '@lianjian/ingestion';
import type { Principal } from '@lianjian/access';
import { Allow, Caller } from '../auth/access.decorator';
import { RecordsService } from './records.service';

@ApiTags('records')
@Controller('api/v1/records')
export class RecordsController {
  constructor(private readonly records: RecordsService) {}

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
  @ApiResponse({
    status: 403,
    description:
      'the caller may not send under this source: an API key not scoped to it, a source of another department, or an internal one (case-feedback)',
  })
  submit(@Body() body: unknown, @Caller() caller: Principal) {
    return this.records.submit(caller, body);
  }
}
