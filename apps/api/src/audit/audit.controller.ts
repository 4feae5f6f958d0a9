import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { auditQuery, type AuditQuery } from './dto/audit.dto';
import { AuditService } from './audit.service';
import { AuditedRead } from '../common/audit-trail';
import { ApiZodOk } from '../common/openapi';
import { auditListResponse, auditVerifyResponse } from './dto/audit-responses';

@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @AuditedRead()
  @Allow('audit:read')
  @ApiOperation({ summary: 'The audit log, newest first: who did what, when, from where, with what result' })
  @ApiQuery({ name: 'actor', required: false })
  @ApiQuery({ name: 'action', required: false, description: 'prefix, e.g. "POST /api/v1/cases"' })
  @ApiQuery({ name: 'target', required: false })
  @ApiQuery({ name: 'result', required: false, enum: ['ok', 'denied', 'refused', 'failed'] })
  @ApiQuery({ name: 'since', required: false })
  @ApiQuery({ name: 'until', required: false })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  })
  @ApiQuery({
    name: 'cursor',
    required: false,
    schema: { type: 'integer', minimum: 1 },
    description: 'nextCursor of the previous page',
  })
  @ApiZodOk(auditListResponse)
  list(@Query(new ZodPipe(auditQuery)) query: AuditQuery) {
    return this.audit.list(query);
  }

  @Get('verify')
  @AuditedRead()
  @Allow('audit:read')
  @ApiOperation({
    summary:
      'Verify the audit log: every edited, missing or re-linked entry by seq, and the head hash to keep elsewhere',
  })
  @ApiZodOk(auditVerifyResponse)
  verify() {
    return this.audit.verify();
  }
}
