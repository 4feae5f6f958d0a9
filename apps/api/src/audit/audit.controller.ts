import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditRepository } from '@lianjian/database';
import { Allow } from '../auth/access.decorator';

// 审计日志校验: the audit log's hash chain recomputed on request, as npm run audit:verify does.
// (Admins only once people sign in: issue 6.)
@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

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
