import { Injectable, Logger } from '@nestjs/common';
import type { z } from 'zod';
import { NotFoundError, todayInShanghai, withTimeout } from '@lianjian/common';
import { CreditRepairRepository, EntityRepository, type CreditRepairRow } from '@lianjian/database';
import { JobQueue } from '@lianjian/queue';
import { actorName, actorRole, principalJurisdiction, type Principal } from '@lianjian/access';
import {
  assertInJurisdiction,
  assertMayDecide,
  assertMayFile,
  assertMayWithdraw,
  effectiveFrom,
} from './credit-repair.policy';
import type {
  approveRepairBody,
  fileRepairBody,
  listRepairsQuery,
  rejectRepairBody,
  withdrawRepairBody,
} from './dto/credit-repair.dto';
import { entityFilter } from '../common/entity-filter';

// 信用修复与异议: filing, deciding and withdrawing requests that a record stop counting. The decision
// and its audit entry commit together (CreditRepairRepository); an approval then asks for a re-score
// of the entity, whose profile no longer counts the record from the effective date on.
@Injectable()
export class CreditRepairService {
  private readonly log = new Logger(CreditRepairService.name);

  constructor(
    private readonly repairs: CreditRepairRepository,
    private readonly entities: EntityRepository,
    private readonly jobs: JobQueue,
  ) {}

  async file(caller: Principal, body: z.infer<typeof fileRepairBody>) {
    const by = actorName(caller);
    const row = await this.repairs.file(
      { ...body, evidence: body.evidence || null, filedBy: by },
      (record) => assertMayFile(caller, record),
      (record) => ({
        actor: by,
        role: actorRole(caller),
        action: 'credit-repair.file',
        result: 'ok',
        detail: {
          type: body.type,
          recordId: record.id,
          entityId: record.entityId,
          departmentCode: record.departmentCode,
        },
      }),
    );
    return repairView(row);
  }

  async list(caller: Principal, q: z.infer<typeof listRepairsQuery>) {
    const regionPrefix = principalJurisdiction(caller);
    if (regionPrefix === null) return { items: [], nextCursor: null };
    const entityId = await entityFilter(this.entities, q.entity);
    if (entityId === null) return { items: [], nextCursor: null };
    const rows = await this.repairs.list({
      status: q.status,
      entityId,
      departmentCode: q.department,
      regionPrefix,
      afterId: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    return {
      items: page.map(repairView),
      nextCursor: rows.length > q.limit ? page[page.length - 1].id : null,
    };
  }

  async get(caller: Principal, id: string) {
    return repairView(await this.visible(caller, id));
  }

  // Deciding is the record's department's authority wherever the entity is, so no jurisdiction check
  // here: assertMayDecide asks for that department (and not the filer).
  async approve(caller: Principal, id: string, body: z.infer<typeof approveRepairBody>) {
    const by = actorName(caller);
    const row = await this.repairs.decide(id, (current) => {
      assertMayDecide(caller, current);
      const from = effectiveFrom(body.effectiveFrom, current.recordOccurredAt, todayInShanghai());
      return {
        decision: { status: 'approved', by, reason: body.reason, effectiveFrom: from },
        audit: {
          actor: by,
          role: actorRole(caller),
          action: 'credit-repair.approve',
          result: 'ok',
          detail: {
            type: current.type,
            recordId: current.recordId,
            entityId: current.entityId,
            departmentCode: current.departmentCode,
            filedBy: current.filedBy,
            effectiveFrom: from,
          },
        },
      };
    });
    await this.rescore(row.entityId);
    return repairView(row);
  }

  async reject(caller: Principal, id: string, body: z.infer<typeof rejectRepairBody>) {
    const by = actorName(caller);
    const row = await this.repairs.decide(id, (current) => {
      assertMayDecide(caller, current);
      return {
        decision: { status: 'rejected', by, reason: body.reason },
        audit: decisionAudit(caller, 'credit-repair.reject', current),
      };
    });
    return repairView(row);
  }

  async withdraw(caller: Principal, id: string, body: z.infer<typeof withdrawRepairBody>) {
    const by = actorName(caller);
    const row = await this.repairs.decide(id, (current) => {
      assertMayWithdraw(caller, current);
      return {
        decision: { status: 'withdrawn', by, reason: body.reason || null },
        audit: decisionAudit(caller, 'credit-repair.withdraw', current),
      };
    });
    return repairView(row);
  }

  // 404 when there is no such request, 403 when its entity is outside the caller's jurisdiction.
  private async visible(caller: Principal, id: string): Promise<CreditRepairRow> {
    const row = await this.repairs.get(id);
    if (!row) throw new NotFoundError(`no credit repair request ${id} (无此信用修复申请)`);
    assertInJurisdiction(caller, row.regionCode, `credit repair request ${id}`);
    return row;
  }

  // The decision is committed: a re-score that cannot be queued now (Redis down) is not a failed
  // approval. The nightly full run scores every entity from the records, repair included.
  private async rescore(entityId: string): Promise<void> {
    try {
      await withTimeout(this.jobs.scoreEntities([entityId], 'manual'), 2000);
    } catch (e) {
      this.log.warn(
        `re-score of entity ${entityId} after a credit repair not queued (the nightly run will score it): ${(e as Error).message}`,
      );
    }
  }
}

function decisionAudit(caller: Principal, action: string, current: CreditRepairRow) {
  return {
    actor: actorName(caller),
    role: actorRole(caller),
    action,
    result: 'ok',
    detail: {
      type: current.type,
      recordId: current.recordId,
      entityId: current.entityId,
      departmentCode: current.departmentCode,
      filedBy: current.filedBy,
    },
  };
}

export function repairView(r: CreditRepairRow) {
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    record: {
      id: r.recordId,
      kind: r.recordKind,
      source: r.recordSource,
      sourceRecordId: r.sourceRecordId,
      occurredAt: r.recordOccurredAt,
      departmentCode: r.departmentCode,
      // Set once approved: the first day the record no longer counts.
      countsUntil: r.countsUntil,
    },
    entity: {
      id: r.entityId,
      key: r.uscc ?? `${r.scheme}:${r.externalId}`,
      name: r.entityName,
      regionCode: r.regionCode,
    },
    reason: r.reason,
    evidence: r.evidence,
    filedBy: r.filedBy,
    filedAt: r.filedAt,
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt,
    decisionReason: r.decisionReason,
    effectiveFrom: r.effectiveFrom,
  };
}
