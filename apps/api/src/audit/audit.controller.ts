import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseParams } from '../common/query';
import { AuditRepository } from '@lianjian/database';
import { Allow } from '../auth/access.decorator';

const isoDate = (name: string) =>
  z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), `${name} must be an ISO 8601 date or date-time`)
    .transform((s) => new Date(s));
const auditQuery = z.strictObject({
  actor: z.string().min(1).max(200).optional(),
  action: z.string().min(1).max(200).optional(),
  target: z.string().min(1).max(500).optional(),
  result: z.enum(['ok', 'denied', 'refused', 'failed']).optional(),
  since: isoDate('since').optional(),
  until: isoDate('until').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.coerce.number().int().min(1).optional(),
});

// 审计日志: read by auditors and administrators, and its hash chain recomputed on request, as
// npm run audit:verify does.
@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  @Get()
  @Allow('audit:read')
  @ApiOperation({ summary: 'The audit log, newest first: who did what, when, from where, with what result' })
  @ApiQuery({ name: 'actor', required: false })
  @ApiQuery({ name: 'action', required: false, description: 'prefix, e.g. "POST /api/v1/cases"' })
  @ApiQuery({ name: 'target', required: false })
  @ApiQuery({ name: 'result', required: false, enum: ['ok', 'denied', 'refused', 'failed'] })
  @ApiQuery({ name: 'since', required: false })
  @ApiQuery({ name: 'until', required: false })
  async list(@Query() query: unknown) {
    const q = parseParams(auditQuery, query);
    const rows = await this.audit.list({ ...q, before: q.cursor, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return { items: page, nextCursor: rows.length > q.limit ? page[page.length - 1].seq : null };
  }

  @Get('verify')
  @Allow('audit:read')
  @ApiOperation({
    summary:
      'Verify the audit log: every edited, missing or re-linked entry by seq, and the head hash to keep elsewhere',
  })
  async verify() {
    const v = await this.audit.verify();
    return {
      ok: v.ok,
      entries: v.entries,
      head: { seq: v.headSeq, hash: v.headHash },
      problems: v.problems.slice(0, 1000),
      message: v.ok
        ? { zh: '审计日志完整', en: 'the audit log is intact' }
        : { zh: '审计日志被篡改', en: 'the audit log has been tampered with' },
    };
  }
}
