import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError, NotFoundError } from '@lianjian/common';
import { AuditRepository, type AuditEntry } from '../audit/audit.repository';

export interface InspectorRow {
  id: string;
  departmentCode: string;
  name: string;
  certificateNo: string; // 执法证号
  domains: string[];
  regionCode: string;
  active: boolean;
  phone: string | null;
  userId: string | null;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  conflicts: number; // declared conflicts (利害关系)
}

export interface InspectorInput {
  departmentCode: string;
  name: string;
  certificateNo: string;
  domains: string[];
  regionCode: string;
  active: boolean;
  phone: string | null;
  userId: string | null;
}

// What an update may change; the department and the certificate number are who the inspector is.
export type InspectorChange = Partial<
  Pick<InspectorInput, 'name' | 'domains' | 'regionCode' | 'active' | 'phone' | 'userId'>
>;

export interface InspectorFilter {
  departmentCode?: string;
  active?: boolean;
  domain?: string;
  regionPrefix: string; // '' = everywhere
  afterId?: string; // cursor: the last id of the previous page
  limit: number;
}

export interface InspectorConflictRow {
  id: string;
  inspectorId: string;
  entityId: string;
  uscc: string | null;
  scheme: string | null;
  externalId: string | null;
  entityName: string | null;
  regionCode: string | null;
  reason: string;
  declaredAt: Date;
  declaredBy: string;
}

// Why an inspector may not inspect an entity (回避): they declared a conflict with it, or with a
// related party of it (another entity with the same legal representative or registered address).
export type ConflictKind = 'declared_conflict' | 'related_party_conflict';

// A row of a CSV import as the repository stores it (validated before).
export interface InspectorImportRow extends InspectorInput {
  row: number;
}

const INSPECTOR_COLUMNS = `
  i.id::text AS id, i.department_code AS "departmentCode", i.name, i.certificate_no AS "certificateNo",
  i.domains, i.region_code AS "regionCode", i.active, i.phone, i.user_id::text AS "userId",
  i.created_at AS "createdAt", i.created_by AS "createdBy", i.updated_at AS "updatedAt",
  (SELECT count(*)::int FROM inspector_conflict c WHERE c.inspector_id = i.id) AS conflicts`;

const CONFLICT_COLUMNS = `
  c.id::text AS id, c.inspector_id::text AS "inspectorId", c.entity_id::text AS "entityId", e.uscc,
  e.ext_scheme AS scheme, e.ext_id AS "externalId", e.name AS "entityName", e.region_code AS "regionCode",
  c.reason, c.declared_at AS "declaredAt", c.declared_by AS "declaredBy"`;

const ID = /^\d{1,18}$/;

// PostgreSQL's unique_violation, with the constraint it names.
function uniqueViolation(e: unknown): string | undefined {
  const d =
    (e as { driverError?: { code?: string; constraint?: string }; code?: string; constraint?: string })
      ?.driverError ?? (e as { code?: string; constraint?: string });
  return d?.code === '23505' ? (d.constraint ?? '') : undefined;
}

function duplicate(e: unknown, input: { certificateNo?: string; userId?: string | null }): never {
  const constraint = uniqueViolation(e);
  if (constraint === undefined) throw e;
  if (constraint.includes('user_id'))
    throw new ConflictError(
      `user ${input.userId} is linked to another inspector already: an account signs in as one inspector (该账号已关联其他执法人员)`,
    );
  throw new ConflictError(
    `certificate number ${input.certificateNo} is in the directory already: each 执法证号 is one inspector's (执法证号已存在)`,
  );
}

// 执法检查人员名录库: inspectors per department and the conflicts of interest they declared. Every
// change is written with its audit entry in one transaction; an import is one transaction for the
// whole file (all rows or none).
@Injectable()
export class InspectorRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditRepository,
  ) {}

  async get(id: string, em: DataSource | EntityManager = this.ds): Promise<InspectorRow | undefined> {
    if (!ID.test(id)) return undefined;
    const rows: InspectorRow[] = await em.query(
      `SELECT ${INSPECTOR_COLUMNS} FROM inspector i WHERE i.id = $1`,
      [id],
    );
    return rows[0];
  }

  async byCertificates(certificateNos: string[]): Promise<InspectorRow[]> {
    if (!certificateNos.length) return [];
    return this.ds.query(
      `SELECT ${INSPECTOR_COLUMNS} FROM inspector i WHERE i.certificate_no = ANY($1::text[])`,
      [certificateNos],
    );
  }

  // Newest first, a page at a time (keyset on id).
  async list(f: InspectorFilter): Promise<InspectorRow[]> {
    return this.ds.query(
      `SELECT ${INSPECTOR_COLUMNS} FROM inspector i
        WHERE ($1::text IS NULL OR i.department_code = $1)
          AND ($2::boolean IS NULL OR i.active = $2)
          AND ($3::text IS NULL OR $3 = ANY(i.domains))
          AND ($4::text = '' OR i.region_code LIKE $4 || '%')
          AND ($5::bigint IS NULL OR i.id < $5::bigint)
        ORDER BY i.id DESC LIMIT $6`,
      [
        f.departmentCode ?? null,
        f.active ?? null,
        f.domain ?? null,
        f.regionPrefix,
        f.afterId ?? null,
        f.limit,
      ],
    );
  }

  async create(
    input: InspectorInput & { createdBy: string },
    audit: Omit<AuditEntry, 'target'>,
  ): Promise<InspectorRow> {
    try {
      const id = await this.ds.transaction(async (em) => {
        const [{ id }] = (await em.query(
          `INSERT INTO inspector (department_code, name, certificate_no, domains, region_code, active, phone, user_id, created_by)
           VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $8::bigint, $9) RETURNING id::text AS id`,
          [
            input.departmentCode,
            input.name,
            input.certificateNo,
            input.domains,
            input.regionCode,
            input.active,
            input.phone,
            input.userId,
            input.createdBy,
          ],
        )) as { id: string }[];
        await this.audit.append({ ...audit, target: `inspector:${id}` }, em);
        return id;
      });
      return (await this.get(id))!;
    } catch (e) {
      duplicate(e, input);
    }
  }

  // Changes what `change` names. `check` sees the inspector under its lock (and throws when the
  // change is not allowed: another department's inspector, a domain the department lacks); it returns
  // the audit entry.
  async update(
    id: string,
    check: (current: InspectorRow) => { change: InspectorChange; audit: Omit<AuditEntry, 'target'> },
  ): Promise<InspectorRow> {
    if (!(await this.get(id))) throw new NotFoundError(`no inspector ${id} (无此执法人员)`);
    let userId: string | null | undefined;
    try {
      await this.ds.transaction(async (em) => {
        await em.query(`SELECT id FROM inspector WHERE id = $1 FOR UPDATE`, [id]);
        const current = (await this.get(id, em))!;
        const { change, audit } = check(current);
        userId = change.userId;
        await em.query(
          `UPDATE inspector SET
              name = coalesce($2, name),
              domains = coalesce($3::text[], domains),
              region_code = coalesce($4, region_code),
              active = coalesce($5::boolean, active),
              phone = CASE WHEN $6::boolean THEN $7 ELSE phone END,
              user_id = CASE WHEN $8::boolean THEN $9::bigint ELSE user_id END,
              updated_at = now()
            WHERE id = $1`,
          [
            id,
            change.name ?? null,
            change.domains ?? null,
            change.regionCode ?? null,
            change.active ?? null,
            change.phone !== undefined,
            change.phone ?? null,
            change.userId !== undefined,
            change.userId ?? null,
          ],
        );
        await this.audit.append({ ...audit, target: `inspector:${id}` }, em);
      });
    } catch (e) {
      duplicate(e, { userId });
    }
    return (await this.get(id))!;
  }

  // A CSV import: every row inserted, or updated by its certificate number (its department stays),
  // in one transaction with one audit entry. Any failure leaves the directory as it was.
  async upsertMany(
    rows: InspectorImportRow[],
    by: string,
    audit: (counts: { created: number; updated: number }) => Omit<AuditEntry, 'target'>,
  ): Promise<{ created: number; updated: number; ids: string[] }> {
    if (!rows.length) return { created: 0, updated: 0, ids: [] };
    try {
      return await this.ds.transaction(async (em) => {
        const out = (await em.query(
          `INSERT INTO inspector (department_code, name, certificate_no, domains, region_code, active, phone, created_by)
           SELECT x."departmentCode", x.name, x."certificateNo", x.domains, x."regionCode", x.active, x.phone, $2
             FROM jsonb_to_recordset($1::jsonb)
               AS x("departmentCode" text, name text, "certificateNo" text, domains text[], "regionCode" text,
                    active boolean, phone text, row int)
            ORDER BY x.row
           ON CONFLICT (certificate_no) DO UPDATE SET
             name = EXCLUDED.name, domains = EXCLUDED.domains, region_code = EXCLUDED.region_code,
             active = EXCLUDED.active, phone = EXCLUDED.phone, updated_at = now()
             -- an inspector never moves to another department by an import (the service refuses it first)
             WHERE inspector.department_code = EXCLUDED.department_code
           RETURNING id::text AS id, (xmax = 0) AS created`,
          [JSON.stringify(rows), by],
        )) as { id: string; created: boolean }[];
        if (out.length !== rows.length)
          throw new ConflictError(
            'a certificate number of the file belongs to another department’s inspector; nothing was imported (执法证号属于其他部门的执法人员，未导入任何数据)',
          );
        const created = out.filter((r) => r.created).length;
        const counts = { created, updated: out.length - created };
        await this.audit.append({ ...audit(counts), target: 'inspector:import' }, em);
        return { ...counts, ids: out.map((r) => r.id) };
      });
    } catch (e) {
      duplicate(e, {});
    }
  }

  // Declares a conflict of interest. `check` sees the inspector under its lock and throws when the
  // caller may not declare for them; the entity is by id or by USCC / scheme:id (resolved by the caller).
  async declareConflict(
    input: { inspectorId: string; entityId: string; reason: string; declaredBy: string },
    check: (inspector: InspectorRow) => Omit<AuditEntry, 'target'>,
  ): Promise<InspectorConflictRow> {
    try {
      const id = await this.ds.transaction(async (em) => {
        const inspector = await this.lock(em, input.inspectorId);
        const audit = check(inspector);
        const [{ id }] = (await em.query(
          `INSERT INTO inspector_conflict (inspector_id, entity_id, reason, declared_by)
           VALUES ($1, $2, $3, $4) RETURNING id::text AS id`,
          [input.inspectorId, input.entityId, input.reason, input.declaredBy],
        )) as { id: string }[];
        await this.audit.append({ ...audit, target: `inspector:${input.inspectorId}` }, em);
        return id;
      });
      return (await this.conflict(input.inspectorId, id))!;
    } catch (e) {
      if (uniqueViolation(e) === undefined) throw e;
      throw new ConflictError(
        `inspector ${input.inspectorId} has declared a conflict with entity ${input.entityId} already (已申报该利害关系)`,
      );
    }
  }

  // Withdraws a declared conflict (the row goes; its audit entry keeps what it was).
  async withdrawConflict(
    inspectorId: string,
    conflictId: string,
    check: (inspector: InspectorRow, conflict: InspectorConflictRow) => Omit<AuditEntry, 'target'>,
  ): Promise<InspectorConflictRow> {
    return this.ds.transaction(async (em) => {
      const inspector = await this.lock(em, inspectorId);
      const conflict = await this.conflict(inspectorId, conflictId, em);
      if (!conflict)
        throw new NotFoundError(
          `inspector ${inspectorId} has no declared conflict ${conflictId} (无此利害关系申报)`,
        );
      const audit = check(inspector, conflict);
      await em.query(`DELETE FROM inspector_conflict WHERE id = $1`, [conflictId]);
      await this.audit.append({ ...audit, target: `inspector:${inspectorId}` }, em);
      return conflict;
    });
  }

  async conflict(
    inspectorId: string,
    conflictId: string,
    em: DataSource | EntityManager = this.ds,
  ): Promise<InspectorConflictRow | undefined> {
    if (!ID.test(inspectorId) || !ID.test(conflictId)) return undefined;
    const rows: InspectorConflictRow[] = await em.query(
      `SELECT ${CONFLICT_COLUMNS} FROM inspector_conflict c JOIN entity e ON e.id = c.entity_id
        WHERE c.id = $1 AND c.inspector_id = $2`,
      [conflictId, inspectorId],
    );
    return rows[0];
  }

  async conflicts(inspectorId: string): Promise<InspectorConflictRow[]> {
    if (!ID.test(inspectorId)) return [];
    return this.ds.query(
      `SELECT ${CONFLICT_COLUMNS} FROM inspector_conflict c JOIN entity e ON e.id = c.entity_id
        WHERE c.inspector_id = $1 ORDER BY c.id`,
      [inspectorId],
    );
  }

  // 回避: for each of `entityIds`, the inspectors who may not inspect it and why. Declared with the
  // entity itself: 'declared_conflict'; declared with another entity sharing its legal representative
  // (ID number) or registered address: 'related_party_conflict' (a declared conflict wins when both).
  // Entities without a conflicted inspector are absent from the map.
  //
  // One statement, driven from the declared conflicts (a few per inspector), not from the ids (a
  // plan's whole population, ~20,000): each declared entity by primary key, its related parties
  // through the legal-representative and address indexes (entity_legal_rep, entity_address), and only
  // those matched against the ids. The lateral subqueries (OFFSET 0: never flattened into a join)
  // keep it to index probes per declaration whatever the statistics say: as plain joins, the planner
  // without statistics on a new directory hashed the whole entity table for each of them. Its cost
  // grows with the declarations and their related parties, and linearly with the ids.
  async conflictedInspectors(
    entityIds: string[],
    em: DataSource | EntityManager = this.ds,
  ): Promise<Map<string, Map<string, ConflictKind>>> {
    const out = new Map<string, Map<string, ConflictKind>>();
    if (!entityIds.length) return out;
    const statement = (q: DataSource | EntityManager) =>
      q.query(
        `WITH d AS MATERIALIZED (
         SELECT c.inspector_id, x.id AS declared_id, x.rep, x.address
           FROM inspector_conflict c CROSS JOIN LATERAL (
                  SELECT e.id, e.legal_rep_id_number AS rep, e.address FROM entity e WHERE e.id = c.entity_id
                  OFFSET 0) x
       ),
       hit AS (
         SELECT d.declared_id AS entity_id, d.inspector_id, true AS declared FROM d
         UNION ALL
         SELECT o.id, d.inspector_id, false
           FROM d CROSS JOIN LATERAL (
                  SELECT o.id FROM entity o
                   WHERE o.legal_rep_id_number = d.rep AND o.legal_rep_id_number IS NOT NULL
                     AND o.id <> d.declared_id
                  OFFSET 0) o
          WHERE d.rep IS NOT NULL
         UNION ALL
         SELECT o.id, d.inspector_id, false
           FROM d CROSS JOIN LATERAL (
                  SELECT o.id FROM entity o
                   WHERE o.address = d.address AND o.address IS NOT NULL AND o.id <> d.declared_id
                  OFFSET 0) o
          WHERE d.address IS NOT NULL
       )
       SELECT hit.entity_id::text AS "entityId", hit.inspector_id::text AS "inspectorId",
              bool_or(hit.declared) AS declared
         FROM hit JOIN unnest($1::bigint[]) AS k(id) ON k.id = hit.entity_id
        GROUP BY hit.entity_id, hit.inspector_id`,
        [entityIds],
      ) as Promise<{ entityId: string; inspectorId: string; declared: boolean }[]>;
    // Without statistics (a new directory) the planner prices the statement high enough for JIT
    // compilation, which costs more than the statement (as in EntityRepository.relatedPartySignals).
    // In a caller's transaction the setting lasts until its end.
    const off = async (q: DataSource | EntityManager) => {
      await q.query(`SET LOCAL jit = off`);
      return statement(q);
    };
    const rows = em === this.ds ? await this.ds.transaction(off) : await off(em);
    for (const r of rows) {
      let m = out.get(r.entityId);
      if (!m) out.set(r.entityId, (m = new Map()));
      m.set(r.inspectorId, r.declared ? 'declared_conflict' : 'related_party_conflict');
    }
    return out;
  }

  private async lock(em: EntityManager, id: string): Promise<InspectorRow> {
    const locked = ID.test(id)
      ? ((await em.query(`SELECT id FROM inspector WHERE id = $1 FOR UPDATE`, [id])) as unknown[])
      : [];
    if (!locked.length) throw new NotFoundError(`no inspector ${id} (无此执法人员)`);
    return (await this.get(id, em))!;
  }
}
