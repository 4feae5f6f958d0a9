import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError, NotFoundError } from '@lianjian/common';
import { AuditRepository, type AuditEntry } from '../audit/audit.repository';

export type CreditRepairType = 'objection' | 'repair';
export type CreditRepairStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

export interface CreditRepairRow {
  id: string;
  recordId: string;
  entityId: string;
  uscc: string | null;
  scheme: string | null;
  externalId: string | null;
  entityName: string | null;
  regionCode: string | null; // the entity's: decides whose jurisdiction the request is in
  departmentCode: string; // the record's: decides who may decide
  type: CreditRepairType;
  reason: string;
  evidence: string | null;
  filedBy: string;
  filedAt: Date;
  status: CreditRepairStatus;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  effectiveFrom: string | null;
  recordKind: string;
  recordSource: string;
  sourceRecordId: string;
  recordOccurredAt: string;
  countsUntil: string | null;
}

// A record as filing a request about it needs it: where its entity is, whether it still counts,
// and whether a request about it is open.
export interface RecordForRepair {
  id: string;
  kind: string;
  entityId: string;
  departmentCode: string;
  occurredAt: string;
  countsUntil: string | null;
  regionCode: string | null;
  pendingRepairId: string | null;
}

export interface CreditRepairFilter {
  status?: CreditRepairStatus;
  entityId?: string;
  departmentCode?: string;
  regionPrefix: string; // the caller's jurisdiction ('' = everywhere)
  afterId?: string; // cursor: the last id of the previous page
  limit: number;
}

// What a decision changes: approved (with its effective date), rejected, or withdrawn by the filer.
export type CreditRepairDecision =
  | { status: 'approved'; by: string; reason: string; effectiveFrom: string }
  | { status: 'rejected'; by: string; reason: string }
  | { status: 'withdrawn'; by: string; reason: string | null };

const REPAIR_COLUMNS = `
  c.id::text AS id, c.record_id::text AS "recordId", c.entity_id::text AS "entityId", e.uscc,
  e.ext_scheme AS scheme, e.ext_id AS "externalId", e.name AS "entityName", e.region_code AS "regionCode",
  c.department_code AS "departmentCode", c.type, c.reason, c.evidence, c.filed_by AS "filedBy",
  c.filed_at AS "filedAt", c.status, c.decided_by AS "decidedBy", c.decided_at AS "decidedAt",
  c.decision_reason AS "decisionReason", to_char(c.effective_from, 'YYYY-MM-DD') AS "effectiveFrom",
  r.kind AS "recordKind", r.source AS "recordSource", r.source_record_id AS "sourceRecordId",
  to_char(r.occurred_at, 'YYYY-MM-DD') AS "recordOccurredAt", to_char(r.counts_until, 'YYYY-MM-DD') AS "countsUntil"`;
const REPAIR_FROM = `credit_repair c JOIN entity e ON e.id = c.entity_id JOIN record r ON r.id = c.record_id`;

// 信用修复与异议: requests, their decisions, and the record's counting end an approval sets. Every
// change is written with its audit entry in one transaction. Requests about one record are
// serialised on the record's row (filing and deciding both lock it first), so "one pending request",
// "not repaired twice" and the effective date's bounds hold under concurrent calls.
@Injectable()
export class CreditRepairRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditRepository,
  ) {}

  async recordForRepair(
    recordId: string,
    em: DataSource | EntityManager = this.ds,
  ): Promise<RecordForRepair | undefined> {
    const rows: RecordForRepair[] = await em.query(
      `SELECT r.id::text AS id, r.kind, r.entity_id::text AS "entityId", r.department_code AS "departmentCode",
              to_char(r.occurred_at, 'YYYY-MM-DD') AS "occurredAt", to_char(r.counts_until, 'YYYY-MM-DD') AS "countsUntil",
              e.region_code AS "regionCode",
              (SELECT c.id::text FROM credit_repair c WHERE c.record_id = r.id AND c.status = 'pending') AS "pendingRepairId"
         FROM record r JOIN entity e ON e.id = r.entity_id
        WHERE r.id = $1`,
      [recordId],
    );
    return rows[0];
  }

  // Files a request. `check` sees the record under its lock and throws when the request may not be
  // filed (the caller's rules: kind, jurisdiction); an open request or a repaired record is a conflict.
  async file(
    input: {
      recordId: string;
      type: CreditRepairType;
      reason: string;
      evidence: string | null;
      filedBy: string;
    },
    check: (record: RecordForRepair) => void,
    audit: (record: RecordForRepair) => Omit<AuditEntry, 'target'>,
  ): Promise<CreditRepairRow> {
    const id = await this.ds.transaction(async (em) => {
      const record = await this.lockRecord(em, input.recordId);
      check(record);
      if (record.countsUntil)
        throw new ConflictError(
          `record ${record.id} no longer counts since ${record.countsUntil}: it was repaired already (该记录已修复)`,
        );
      if (record.pendingRepairId)
        throw new ConflictError(
          `record ${record.id} has a pending request already (${record.pendingRepairId}): decide or withdraw it first (已有待处理的申请)`,
        );
      const [{ id }] = (await em.query(
        `INSERT INTO credit_repair (record_id, entity_id, department_code, type, reason, evidence, filed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text AS id`,
        [
          record.id,
          record.entityId,
          record.departmentCode,
          input.type,
          input.reason,
          input.evidence,
          input.filedBy,
        ],
      )) as { id: string }[];
      await this.audit.append({ ...audit(record), target: `credit-repair:${id}` }, em);
      return id;
    });
    return (await this.get(id))!;
  }

  // Decides a pending request. `decide` sees it under the lock of its record and either returns the
  // decision with its audit entry or throws (not allowed, invalid date). An approval sets the record's
  // counts_until to the effective date; the record and its versions are otherwise untouched.
  async decide(
    id: string,
    decide: (current: CreditRepairRow) => {
      decision: CreditRepairDecision;
      audit: Omit<AuditEntry, 'target'>;
    },
  ): Promise<CreditRepairRow> {
    const first = await this.get(id);
    if (!first) throw new NotFoundError(`no credit repair request ${id} (无此信用修复申请)`);
    await this.ds.transaction(async (em) => {
      await this.lockRecord(em, first.recordId);
      const [current] = (await em.query(
        `SELECT ${REPAIR_COLUMNS} FROM ${REPAIR_FROM} WHERE c.id = $1 FOR UPDATE OF c`,
        [id],
      )) as CreditRepairRow[];
      if (current.status !== 'pending')
        throw new ConflictError(
          `credit repair request ${id} is ${current.status} already${current.decidedBy ? ` (by ${current.decidedBy})` : ''}: only a pending request can be decided or withdrawn (申请已处理)`,
        );
      const { decision, audit } = decide(current);
      await em.query(
        `UPDATE credit_repair SET status = $2, decided_by = $3, decided_at = now(), decision_reason = $4,
                effective_from = $5::date
          WHERE id = $1`,
        [
          id,
          decision.status,
          decision.by,
          decision.reason,
          decision.status === 'approved' ? decision.effectiveFrom : null,
        ],
      );
      if (decision.status === 'approved')
        await em.query(`UPDATE record SET counts_until = $2::date WHERE id = $1`, [
          current.recordId,
          decision.effectiveFrom,
        ]);
      await this.audit.append({ ...audit, target: `credit-repair:${id}` }, em);
    });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<CreditRepairRow | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const rows: CreditRepairRow[] = await this.ds.query(
      `SELECT ${REPAIR_COLUMNS} FROM ${REPAIR_FROM} WHERE c.id = $1`,
      [id],
    );
    return rows[0];
  }

  // Newest first, a page at a time (keyset on id), within the caller's jurisdiction.
  async list(f: CreditRepairFilter): Promise<CreditRepairRow[]> {
    return this.ds.query(
      `SELECT ${REPAIR_COLUMNS} FROM ${REPAIR_FROM}
        WHERE ($1::text IS NULL OR c.status = $1)
          AND ($2::bigint IS NULL OR c.entity_id = $2::bigint)
          AND ($3::text IS NULL OR c.department_code = $3)
          AND ($4::text = '' OR e.region_code LIKE $4 || '%')
          AND ($5::bigint IS NULL OR c.id < $5::bigint)
        ORDER BY c.id DESC LIMIT $6`,
      [
        f.status ?? null,
        f.entityId ?? null,
        f.departmentCode ?? null,
        f.regionPrefix,
        f.afterId ?? null,
        f.limit,
      ],
    );
  }

  private async lockRecord(em: EntityManager, recordId: string): Promise<RecordForRepair> {
    const locked = (await em.query(`SELECT id FROM record WHERE id = $1 FOR UPDATE`, [
      recordId,
    ])) as unknown[];
    if (!locked.length) throw new NotFoundError(`no record ${recordId} (无此记录)`);
    return (await this.recordForRepair(recordId, em))!;
  }
}
