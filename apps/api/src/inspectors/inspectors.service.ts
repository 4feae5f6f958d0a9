import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { DomainError, InvalidInputError, NotFoundError } from '@lianjian/common';
import {
  AccessRepository,
  DepartmentRepository,
  EntityRepository,
  InspectorRepository,
  type InspectorChange,
  type InspectorConflictRow,
  type InspectorRow,
} from '@lianjian/database';
import { parseEntityKey } from '@lianjian/domain';
import {
  actorName,
  actorRole,
  can,
  maskFreeText,
  maskPhone,
  narrowRegion,
  type Principal,
} from '@lianjian/access';
import type {
  CreateInspectorBody,
  DeclareConflictBody,
  ListInspectorsQuery,
  UpdateInspectorBody,
} from './dto/inspector.dto';
import {
  assertActsFor,
  assertMaySee,
  domainProblems,
  problemText,
  readScope,
  regionProblems,
  type DepartmentScope,
  type FieldProblem,
} from './inspector.rules';
import { decodeCsv, MAX_IMPORT_BYTES, parseInspectorCsv, type RowProblem } from './inspector-csv';
import type { UploadStream } from '../sources/upload-stream';

// 执法检查人员名录库: the inspectors of each department, maintained by its officers through the API and
// a CSV import, with the conflicts of interest (利害关系) each declared. Every write and its audit
// entry commit together (InspectorRepository); phones are masked without personal-data:read.
@Injectable()
export class InspectorsService {
  constructor(
    private readonly inspectors: InspectorRepository,
    private readonly departments: DepartmentRepository,
    private readonly entities: EntityRepository,
    private readonly users: AccessRepository,
  ) {}

  async list(caller: Principal, q: ListInspectorsQuery) {
    const scope = readScope(caller);
    const empty = { items: [], nextCursor: null };
    if (!scope) return empty;
    if (scope.departmentCode !== undefined && q.department && q.department !== scope.departmentCode)
      return empty;
    const regionPrefix = narrowRegion(scope.regionPrefix, q.region);
    if (regionPrefix === undefined) return empty;
    const rows = await this.inspectors.list({
      departmentCode: scope.departmentCode ?? q.department,
      active: q.active,
      domain: q.domain,
      regionPrefix,
      afterId: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const unmasked = can(caller, 'personal-data:read');
    return {
      items: page.map((r) => inspectorView(r, unmasked)),
      nextCursor: rows.length > q.limit ? page[page.length - 1].id : null,
    };
  }

  async get(caller: Principal, id: string) {
    return inspectorView(await this.visible(caller, id), can(caller, 'personal-data:read'));
  }

  async create(caller: Principal, body: CreateInspectorBody) {
    const departmentCode = body.departmentCode ?? (caller.kind === 'user' ? caller.departmentCode : null);
    if (!departmentCode)
      throw new InvalidInputError('invalid body / 请求内容无效', [
        'departmentCode: you act for no department: name the department (请指定部门)',
      ]);
    assertActsFor(caller, departmentCode);
    const dept = await this.department(departmentCode);
    const problems = [...domainProblems(dept, body.domains), ...regionProblems(dept, body.regionCode)];
    if (body.userId) problems.push(...(await this.userProblems(body.userId, departmentCode)));
    refuseIf(problems);
    const by = actorName(caller);
    const row = await this.inspectors.create(
      {
        departmentCode,
        name: body.name,
        certificateNo: body.certificateNo,
        domains: body.domains,
        regionCode: body.regionCode,
        active: body.active,
        phone: body.phone ?? null,
        userId: body.userId ?? null,
        createdBy: by,
      },
      {
        actor: by,
        role: actorRole(caller),
        action: 'inspector.create',
        result: 'ok',
        detail: {
          departmentCode,
          certificateNo: body.certificateNo,
          domains: body.domains,
          regionCode: body.regionCode,
          active: body.active,
          userId: body.userId ?? null,
        },
      },
    );
    return inspectorView(row, true);
  }

  async update(caller: Principal, id: string, body: UpdateInspectorBody) {
    const first = await this.inspectors.get(id);
    if (!first) throw new NotFoundError(`no inspector ${id} (无此执法人员)`);
    assertActsFor(caller, first.departmentCode);
    const dept = await this.department(first.departmentCode);
    const problems: FieldProblem[] = [
      ...(body.domains ? domainProblems(dept, body.domains) : []),
      ...(body.regionCode !== undefined ? regionProblems(dept, body.regionCode) : []),
    ];
    if (body.userId) problems.push(...(await this.userProblems(body.userId, first.departmentCode)));
    refuseIf(problems);
    const change: InspectorChange = {
      name: body.name,
      domains: body.domains,
      regionCode: body.regionCode,
      active: body.active,
      phone: body.phone,
      userId: body.userId,
    };
    const row = await this.inspectors.update(id, (current) => {
      assertActsFor(caller, current.departmentCode);
      return {
        change,
        audit: {
          actor: actorName(caller),
          role: actorRole(caller),
          action: 'inspector.update',
          result: 'ok',
          detail: {
            departmentCode: current.departmentCode,
            certificateNo: current.certificateNo,
            // What changed, from what to what; a phone is named, never shown.
            changes: changesOf(current, change),
          },
        },
      };
    });
    return inspectorView(row, true);
  }

  // All rows or none: a file with any problem is refused with every row's problems listed.
  async import(caller: Principal, upload: () => Promise<UploadStream>) {
    // The caller's own department, before the file is read (no department: refused).
    const actsFor = (caller.kind === 'user' ? caller.departmentCode : null) ?? '';
    assertActsFor(caller, actsFor);
    const file = await upload();
    const bytes = await readAll(file.stream, MAX_IMPORT_BYTES);
    const text = decodeCsv(bytes);
    const departments = new Map<string, DepartmentScope>(
      (await this.departments.list()).map((d) => [d.code, d]),
    );
    const { rows, problems } = parseInspectorCsv(text, { departments, actsFor });
    // A certificate number of another department's inspector: an import never moves an inspector.
    const existing = await this.inspectors.byCertificates(rows.map((r) => r.certificateNo));
    const elsewhere = new Set(
      existing.filter((e) => e.departmentCode !== actsFor).map((e) => e.certificateNo),
    );
    for (const r of rows)
      if (elsewhere.has(r.certificateNo))
        problems.push({
          row: r.row,
          column: 'certificate_no',
          reason: {
            zh: `执法证号 ${r.certificateNo} 已登记在其他部门的执法人员名下`,
            en: `certificate number ${r.certificateNo} is another department's inspector's`,
          },
        });
    if (problems.length) {
      problems.sort((a, b) => a.row - b.row);
      const bad = new Set(problems.map((p) => p.row)).size;
      throw new InvalidInputError(
        `the file was refused: ${bad} row(s) with problems; nothing was imported / 文件被拒绝：${bad} 行有问题，未导入任何数据`,
        problems satisfies RowProblem[],
      );
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const by = actorName(caller);
    const out = await this.inspectors.upsertMany(
      rows.map((r) => ({ ...r, userId: null })),
      by,
      (counts) => ({
        actor: by,
        role: actorRole(caller),
        action: 'inspector.import',
        result: 'ok',
        detail: {
          departmentCode: actsFor,
          rows: rows.length,
          ...counts,
          file: { name: file.filename?.slice(0, 200) ?? null, bytes: bytes.length, sha256 },
        },
      }),
    );
    return { rows: rows.length, created: out.created, updated: out.updated };
  }

  async conflicts(caller: Principal, id: string) {
    await this.visible(caller, id);
    const unmasked = can(caller, 'personal-data:read');
    return { items: (await this.inspectors.conflicts(id)).map((c) => conflictView(c, unmasked)) };
  }

  async declareConflict(caller: Principal, id: string, body: DeclareConflictBody) {
    // Who may declare first: another department learns nothing of which entities exist.
    const inspector = await this.inspectors.get(id);
    if (!inspector) throw new NotFoundError(`no inspector ${id} (无此执法人员)`);
    assertActsFor(caller, inspector.departmentCode);
    const entityId = await this.entityId(body);
    const by = actorName(caller);
    const row = await this.inspectors.declareConflict(
      { inspectorId: id, entityId, reason: body.reason, declaredBy: by },
      (inspector) => {
        assertActsFor(caller, inspector.departmentCode);
        return {
          actor: by,
          role: actorRole(caller),
          action: 'inspector.conflict.declare',
          result: 'ok',
          detail: {
            departmentCode: inspector.departmentCode,
            certificateNo: inspector.certificateNo,
            entityId,
          },
        };
      },
    );
    return conflictView(row, true);
  }

  async withdrawConflict(caller: Principal, id: string, conflictId: string) {
    const by = actorName(caller);
    const row = await this.inspectors.withdrawConflict(id, conflictId, (inspector, conflict) => {
      assertActsFor(caller, inspector.departmentCode);
      return {
        actor: by,
        role: actorRole(caller),
        action: 'inspector.conflict.withdraw',
        result: 'ok',
        // The declaration as it was: the row goes, this entry is what remains of it.
        detail: {
          departmentCode: inspector.departmentCode,
          certificateNo: inspector.certificateNo,
          conflictId: conflict.id,
          entityId: conflict.entityId,
          reason: conflict.reason,
          declaredBy: conflict.declaredBy,
          declaredAt: conflict.declaredAt,
        },
      };
    });
    return conflictView(row, true);
  }

  // 404 when there is no such inspector, 403 when the caller may not see them.
  private async visible(caller: Principal, id: string): Promise<InspectorRow> {
    const row = await this.inspectors.get(id);
    if (!row) throw new NotFoundError(`no inspector ${id} (无此执法人员)`);
    assertMaySee(caller, row);
    return row;
  }

  private async department(code: string): Promise<DepartmentScope> {
    const dept = (await this.departments.list()).find((d) => d.code === code);
    if (!dept)
      throw new InvalidInputError('invalid body / 请求内容无效', [
        `departmentCode: no department '${code}' / 部门“${code}”不存在`,
      ]);
    return dept;
  }

  // The account an inspector signs in with: an existing user of the same department.
  private async userProblems(userId: string, departmentCode: string): Promise<FieldProblem[]> {
    const user = await this.users.user(userId);
    if (!user)
      return [{ column: 'userId', reason: { zh: `用户 ${userId} 不存在`, en: `no user ${userId}` } }];
    if (user.departmentCode !== departmentCode)
      return [
        {
          column: 'userId',
          reason: {
            zh: `用户 ${userId} 不属于部门 ${departmentCode}`,
            en: `user ${userId} is not of department ${departmentCode}`,
          },
        },
      ];
    return [];
  }

  private async entityId(body: DeclareConflictBody): Promise<string> {
    if (body.entityId) {
      const [e] = await this.entities.findByIds([body.entityId]);
      if (!e) throw new NotFoundError(`no entity ${body.entityId} (无此主体)`);
      return e.id;
    }
    const ref = parseEntityKey(body.entity!);
    if (!ref)
      throw new InvalidInputError('invalid body / 请求内容无效', [
        `entity: '${body.entity}' is neither a valid USCC nor an external id of the form scheme:id / 主体标识无效`,
      ]);
    const e = await this.entities.findByRef(ref);
    if (!e) throw new NotFoundError(`no entity ${body.entity} (无此主体)`);
    return e.id;
  }
}

function refuseIf(problems: FieldProblem[]): void {
  if (problems.length) throw new InvalidInputError('invalid body / 请求内容无效', problems.map(problemText));
}

function changesOf(current: InspectorRow, change: InspectorChange): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const k of ['name', 'domains', 'regionCode', 'active', 'userId'] as const)
    if (change[k] !== undefined && !same(change[k], current[k])) out[k] = { from: current[k], to: change[k] };
  if (change.phone !== undefined && change.phone !== current.phone) out.phone = 'changed';
  return out;
}

async function readAll(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > max) {
      stream.destroy();
      throw new DomainError(
        'payload_too_large',
        `the file is over ${max / 1024 / 1024} MiB; nothing was imported (文件过大，未导入任何数据)`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function inspectorView(r: InspectorRow, unmasked: boolean) {
  return {
    id: r.id,
    departmentCode: r.departmentCode,
    name: r.name,
    certificateNo: r.certificateNo,
    domains: r.domains,
    regionCode: r.regionCode,
    active: r.active,
    phone: r.phone === null ? null : unmasked ? r.phone : maskPhone(r.phone),
    userId: r.userId,
    conflicts: r.conflicts,
    createdAt: r.createdAt,
    createdBy: r.createdBy,
    updatedAt: r.updatedAt,
  };
}

export function conflictView(c: InspectorConflictRow, unmasked: boolean) {
  return {
    id: c.id,
    inspectorId: c.inspectorId,
    entity: {
      id: c.entityId,
      key: c.uscc ?? `${c.scheme}:${c.externalId}`,
      name: c.entityName,
      regionCode: c.regionCode,
    },
    reason: unmasked ? c.reason : maskFreeText(c.reason),
    declaredAt: c.declaredAt,
    declaredBy: c.declaredBy,
  };
}
