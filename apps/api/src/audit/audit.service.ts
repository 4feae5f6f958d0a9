import { Injectable } from '@nestjs/common';
import { AuditRepository } from '@lianjian/database';
import type { AuditQuery } from './dto/audit.dto';

// 审计日志: read by auditors and administrators, and its hash chain recomputed on request from the
// last checkpoint (the head a verification last found intact); `npm run audit:verify -- --full`
// re-verifies the whole chain.
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  async list(q: AuditQuery) {
    const rows = await this.audit.list({ ...q, before: q.cursor, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return { items: page, nextCursor: rows.length > q.limit ? page[page.length - 1].seq : null };
  }

  async verify() {
    const v = await this.audit.verify();
    return {
      ok: v.ok,
      mode: v.mode,
      from: v.from,
      entries: v.entries,
      head: { seq: v.headSeq, hash: v.headHash },
      problems: v.problems.slice(0, 1000),
      message: v.ok
        ? { zh: '审计日志完整', en: 'the audit log is intact' }
        : { zh: '审计日志被篡改', en: 'the audit log has been tampered with' },
    };
  }
}
