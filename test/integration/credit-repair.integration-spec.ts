import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import {
  eventually,
  json,
  listingRecord,
  penaltyRecord,
  registrationRecord,
  sql,
  startStack,
  USCC_A,
  type Stack,
  type TestDatabase,
  type TestUser,
} from '@lianjian/testing';
import { FLAGGED_AS_OF_SQL } from '@lianjian/database';
import { ScoringService, SEVERE_PENALTY_TYPES } from '@lianjian/scoring';
import { apiApp } from '../../apps/api/src/bootstrap';
// The worker scores what the API asks for, as in production.
import { workerApp } from '../../apps/worker/src/bootstrap';
import {
  repairListResponse,
  repairResponse,
} from '../../apps/api/src/credit-repair/dto/credit-repair-responses';

// An answer as the OpenAPI document (and so the console's typed client) says it is.
const conforms = (schema: { safeParse(v: unknown): { error?: { issues: unknown[] } } }, body: unknown) =>
  expect(schema.safeParse(body).error?.issues).toBeUndefined();

// 信用修复与异议 end to end: API → PostgreSQL (decision, record's counting end, audit entry in one
// transaction) → BullMQ (real Redis) → worker re-score; and point-in-time scoring before the
// effective date still counting the record.
describe('credit repair and objections (信用修复与异议)', () => {
  let stack: Stack;
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let base: string;
  let admin: TestUser;
  let staff: TestUser; // files (and could decide, but not what they filed)
  let officer: TestUser; // of the records' department: decides
  let taxOfficer: TestUser; // another department
  let outsider: TestUser; // another county
  let auditor: TestUser; // reads, changes nothing

  let listingId: string;
  let penaltyId: string;
  let registrationId: string;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      users: {
        admin: 'admin',
        staff: { role: 'supervision_staff', departmentCode: '330106-SAMR', regionCode: '330106' },
        officer: { role: 'department_officer', departmentCode: '330106-SAMR', regionCode: '330106' },
        taxOfficer: { role: 'department_officer', departmentCode: '330106-TAX', regionCode: '330106' },
        outsider: { role: 'supervision_staff', departmentCode: '330102-SAMR', regionCode: '330102' },
        auditor: { role: 'auditor', regionCode: '330100' },
      },
    });
    ({ db, worker } = stack);
    ({ admin, staff, officer, taxOfficer, outsider, auditor } = stack.users);
    base = `${stack.url}/api/v1`;

    // A catering company on the serious-violation list (class D by the scorecard's floor), also fined.
    const sent = await json(
      await fetch(`${base}/records`, {
        method: 'POST',
        headers: admin.headers,
        body: JSON.stringify({
          source: 'samr-xihu',
          records: [
            registrationRecord(USCC_A),
            listingRecord(USCC_A, 'L-REPAIR-1'),
            penaltyRecord(USCC_A, 'P-REPAIR-1', {
              penalty: { ...penaltyRecord(USCC_A, 'x').penalty, fineAmount: 150000 },
            }),
          ],
        }),
      }),
    );
    await eventually(async () => {
      const b = await json(await fetch(`${base}/batches/${sent.batchId}`, { headers: admin.headers }));
      return b.status === 'done' ? b : undefined;
    });
    const entity = await eventually(async () => {
      const e = await json(await fetch(`${base}/entities/${USCC_A}`, { headers: staff.headers }));
      return e.score ? e : undefined;
    });
    const byKind = (kind: string) => entity.records.find((r: { kind: string }) => r.kind === kind).id;
    listingId = byKind('listing');
    penaltyId = byKind('penalty');
    registrationId = byKind('registration');
  });

  afterAll(() => stack?.close());

  const call = (method: string, path: string, who: TestUser, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: who.headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const latestScore = async () =>
    (await json(await call('GET', `/entities/${USCC_A}/scores?limit=1`, staff))).items[0];
  const counts = async () =>
    (
      await sql<{ requests: number; repaired: number; audit: number }>(
        db.url,
        `SELECT (SELECT count(*)::int FROM credit_repair) AS requests,
                (SELECT count(*)::int FROM record WHERE counts_until IS NOT NULL) AS repaired,
                (SELECT count(*)::int FROM audit_log WHERE action LIKE 'credit-repair.%') AS audit`,
      )
    )[0];

  it('refuses bad requests with reasons and stores nothing', async () => {
    const before = await counts();
    const bad: [unknown, number, RegExp][] = [
      [{ recordId: listingId, type: 'appeal', reason: '整改完毕' }, 400, /type must be 'objection'/],
      [{ recordId: listingId, type: 'repair' }, 400, /reason/],
      [{ recordId: listingId, type: 'repair', reason: '   ' }, 400, /reason/],
      [{ recordId: 'L-REPAIR-1', type: 'repair', reason: 'x' }, 400, /recordId/],
      [{ recordId: listingId, type: 'repair', reason: 'x', extra: 1 }, 400, /extra/],
      [{ recordId: registrationId, type: 'objection', reason: '地址登记有误' }, 400, /registration/],
      [{ recordId: '987654321', type: 'repair', reason: 'x' }, 404, /no record 987654321/],
    ];
    for (const [body, status, why] of bad) {
      const res = await call('POST', '/credit-repairs', staff, body);
      expect(res.status).toBe(status);
      expect(JSON.stringify(await json(res))).toMatch(why);
    }
    // Outside the jurisdiction, or a role that files nothing.
    expect(
      (await call('POST', '/credit-repairs', outsider, { recordId: listingId, type: 'repair', reason: 'x' }))
        .status,
    ).toBe(403);
    expect(
      (await call('POST', '/credit-repairs', auditor, { recordId: listingId, type: 'repair', reason: 'x' }))
        .status,
    ).toBe(403);
    // No credentials at all.
    expect(
      (
        await fetch(`${base}/credit-repairs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ recordId: listingId, type: 'repair', reason: 'x' }),
        })
      ).status,
    ).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it('approves a repair under four eyes: the record stops counting, the entity is re-scored, history stays', async () => {
    const before = await latestScore();
    expect(before.riskClass).toBe('D');

    const filed = await call('POST', '/credit-repairs', staff, {
      recordId: listingId,
      type: 'repair',
      reason: '已完成整改，申请移出严重违法失信名单',
      evidence: '整改报告及行政处罚履行凭证',
    });
    expect(filed.status).toBe(201);
    const repair = await json(filed);
    expect(repair).toMatchObject({
      type: 'repair',
      status: 'pending',
      filedBy: staff.username,
      record: { id: listingId, kind: 'listing', departmentCode: '330106-SAMR', countsUntil: null },
      entity: { key: USCC_A, regionCode: '330106' },
      evidence: '整改报告及行政处罚履行凭证',
    });
    // One pending request per record.
    const again = await call('POST', '/credit-repairs', officer, {
      recordId: listingId,
      type: 'objection',
      reason: 'x',
    });
    expect(again.status).toBe(409);
    expect((await json(again)).error.message).toMatch(/pending request already/);

    // The filer may not decide (四眼原则), nor may another department; nothing changes.
    const own = await call('POST', `/credit-repairs/${repair.id}/approve`, staff, { reason: '同意' });
    expect(own.status).toBe(403);
    expect((await json(own)).error.message).toMatch(/you filed request/);
    const tax = await call('POST', `/credit-repairs/${repair.id}/approve`, taxOfficer, { reason: '同意' });
    expect(tax.status).toBe(403);
    expect((await json(tax)).error.message).toMatch(/only that department decides it/);
    // An effective date before the record or in the future is refused, and stores nothing.
    const early = await call('POST', `/credit-repairs/${repair.id}/approve`, officer, {
      reason: '同意',
      effectiveFrom: '2025-06-30',
    });
    expect(early.status).toBe(400);
    expect(JSON.stringify(await json(early))).toMatch(/before the record's date 2025-07-01/);
    const future = await call('POST', `/credit-repairs/${repair.id}/approve`, officer, {
      reason: '同意',
      effectiveFrom: '2099-01-01',
    });
    expect(future.status).toBe(400);
    expect(
      (await call('POST', `/credit-repairs/${repair.id}/approve`, officer, { effectiveFrom: '2025-09-01' }))
        .status,
    ).toBe(400);
    expect(await json(await call('GET', `/credit-repairs/${repair.id}`, officer))).toMatchObject({
      status: 'pending',
    });
    expect(
      await sql(
        db.url,
        `SELECT 1 FROM audit_log WHERE action IN ('credit-repair.approve', 'credit-repair.reject')`,
      ),
    ).toEqual([]);

    // The record's department approves, effective 2025-09-01.
    const approved = await call('POST', `/credit-repairs/${repair.id}/approve`, officer, {
      reason: '整改到位，符合信用修复条件',
      effectiveFrom: '2025-09-01',
    });
    expect(approved.status).toBe(200);
    const approvedBody = await json(approved);
    conforms(repairResponse, approvedBody);
    expect(approvedBody).toMatchObject({
      status: 'approved',
      decidedBy: officer.username,
      decisionReason: '整改到位，符合信用修复条件',
      effectiveFrom: '2025-09-01',
      record: { countsUntil: '2025-09-01' },
    });
    // Decided once: deciding again is a conflict.
    expect((await call('POST', `/credit-repairs/${repair.id}/reject`, officer, { reason: 'x' })).status).toBe(
      409,
    );

    // Re-scored by the worker: off the list, out of class D, a lower (better) score.
    const after = await eventually(async () => {
      const s = await latestScore();
      return s.id !== before.id && s.trigger === 'manual' ? s : undefined;
    });
    expect(after.riskClass).not.toBe('D');
    expect(after.score).toBeLessThan(before.score);
    const profile = await json(await call('GET', `/entities/${USCC_A}`, staff));
    expect(profile.profile.features).toMatchObject({
      on_serious_violation_list: 0,
      ever_serious_violation: 0,
    });
    expect(profile.profile.features.penalties_36m).toBe(1); // the other records still count
    // The profile shows the record, repaired, and by which request.
    const listing = profile.records.find((r: { id: string }) => r.id === listingId);
    expect(listing).toMatchObject({
      repaired: true,
      countsUntil: '2025-09-01',
      repairId: repair.id,
      version: 1,
    });
    expect(listing.listing).toMatchObject({ list: 'serious_violation', action: 'added' });
    expect(profile.records.find((r: { id: string }) => r.id === penaltyId)).toMatchObject({
      repaired: false,
      countsUntil: null,
      repairId: null,
    });
    // History kept: the record, its content and its versions are untouched.
    const [stored] = await sql<{ version: number; versions: number; list: string }>(
      db.url,
      `SELECT r.version, (SELECT count(*)::int FROM record_version v WHERE v.record_id = r.id) AS versions,
              r.data->>'list' AS list FROM record r WHERE r.id = $1`,
      [listingId],
    );
    expect(stored).toEqual({ version: 1, versions: 0, list: 'serious_violation' });

    // The decision is in the audit log, with who decided and from when it counts.
    const [entry] = await sql<{
      actor: string;
      role: string;
      target: string;
      result: string;
      detail: Record<string, unknown>;
    }>(
      db.url,
      `SELECT actor, role, target, result, detail FROM audit_log WHERE action = 'credit-repair.approve'`,
    );
    expect(entry).toMatchObject({
      actor: officer.username,
      role: 'department_officer',
      target: `credit-repair:${repair.id}`,
      result: 'ok',
      detail: { recordId: listingId, effectiveFrom: '2025-09-01', filedBy: staff.username, type: 'repair' },
    });
    expect(
      await sql(db.url, `SELECT actor FROM audit_log WHERE action = 'credit-repair.file' AND target = $1`, [
        `credit-repair:${repair.id}`,
      ]),
    ).toEqual([{ actor: staff.username }]);

    // A repaired record cannot be repaired again.
    const twice = await call('POST', '/credit-repairs', staff, {
      recordId: listingId,
      type: 'objection',
      reason: 'x',
    });
    expect(twice.status).toBe(409);
    expect((await json(twice)).error.message).toMatch(/repaired already/);
  });

  it('still counts the record as of any date before the effective date (point-in-time)', async () => {
    // Related-party flag, from the records: listed on 2025-08-31, not any more on 2025-09-01.
    const flagged = async (asOf: string) =>
      (await sql<{ entity_id: string }>(db.url, FLAGGED_AS_OF_SQL, [asOf, [...SEVERE_PENALTY_TYPES], 36]))
        .length;
    expect(await flagged('2025-08-31')).toBe(1);
    expect(await flagged('2025-09-01')).toBe(0);

    // A full scoring run as of the day before: the entity is on the list again, class D.
    const runId = randomUUID();
    await worker.get(ScoringService).startRun(runId, 'manual', '2025-08-31');
    await eventually(async () => {
      const [run] = await sql<{ status: string }>(db.url, `SELECT status FROM score_run WHERE id = $1`, [
        runId,
      ]);
      return run?.status === 'done' ? run : undefined;
    });
    const [past] = await sql<{ riskClass: string; asOf: string; listed: number }>(
      db.url,
      `SELECT s.risk_class AS "riskClass", to_char(s.as_of, 'YYYY-MM-DD') AS "asOf",
              (SELECT (f->>'value')::int FROM json_array_elements(s.factors) f WHERE f->>'name' = 'on_serious_violation_list') AS listed
         FROM score s JOIN entity e ON e.id = s.entity_id WHERE s.run_id = $1 AND e.uscc = $2`,
      [runId, USCC_A],
    );
    expect(past).toEqual({ riskClass: 'D', asOf: '2025-08-31', listed: 1 });

    // And as of the effective date itself, it no longer counts.
    const nextRun = randomUUID();
    await worker.get(ScoringService).startRun(nextRun, 'manual', '2025-09-01');
    await eventually(async () => {
      const [run] = await sql<{ status: string }>(db.url, `SELECT status FROM score_run WHERE id = $1`, [
        nextRun,
      ]);
      return run?.status === 'done' ? run : undefined;
    });
    const [later] = await sql<{ riskClass: string }>(
      db.url,
      `SELECT s.risk_class AS "riskClass" FROM score s JOIN entity e ON e.id = s.entity_id
        WHERE s.run_id = $1 AND e.uscc = $2`,
      [nextRun, USCC_A],
    );
    expect(later.riskClass).not.toBe('D');
  });

  it('rejects an objection and lets the filer withdraw a request; the record keeps counting', async () => {
    const filed = await json(
      await call('POST', '/credit-repairs', staff, {
        recordId: penaltyId,
        type: 'objection',
        reason: '罚款金额录入错误',
      }),
    );
    expect(filed.status).toBe('pending');
    conforms(repairResponse, filed);
    expect(
      (await call('POST', `/credit-repairs/${filed.id}/reject`, taxOfficer, { reason: '不予支持' })).status,
    ).toBe(403);
    expect(
      (await call('POST', `/credit-repairs/${filed.id}/reject`, staff, { reason: '不予支持' })).status,
    ).toBe(403);
    expect((await call('POST', `/credit-repairs/${filed.id}/reject`, officer, {})).status).toBe(400);
    const rejected = await call('POST', `/credit-repairs/${filed.id}/reject`, officer, {
      reason: '经核实，处罚决定书金额无误',
    });
    expect(rejected.status).toBe(200);
    const rejectedBody = await json(rejected);
    conforms(repairResponse, rejectedBody);
    expect(rejectedBody).toMatchObject({
      status: 'rejected',
      decidedBy: officer.username,
      effectiveFrom: null,
      record: { countsUntil: null },
    });
    expect(
      await sql(db.url, `SELECT actor FROM audit_log WHERE action = 'credit-repair.reject' AND target = $1`, [
        `credit-repair:${filed.id}`,
      ]),
    ).toEqual([{ actor: officer.username }]);

    // Rejected is not pending: a new request may be filed, and withdrawn by its filer only.
    const second = await json(
      await call('POST', '/credit-repairs', staff, {
        recordId: penaltyId,
        type: 'repair',
        reason: '已缴纳罚款',
      }),
    );
    expect((await call('POST', `/credit-repairs/${second.id}/withdraw`, officer)).status).toBe(403);
    const withdrawn = await call('POST', `/credit-repairs/${second.id}/withdraw`, staff, {
      reason: '材料补齐后再申请',
    });
    expect(withdrawn.status).toBe(200);
    const withdrawnBody = await json(withdrawn);
    conforms(repairResponse, withdrawnBody);
    expect(withdrawnBody).toMatchObject({ status: 'withdrawn', decidedBy: staff.username });
    expect(
      (await call('POST', `/credit-repairs/${second.id}/approve`, officer, { reason: '同意' })).status,
    ).toBe(409);

    const [penalty] = await sql<{ countsUntil: string | null }>(
      db.url,
      `SELECT counts_until AS "countsUntil" FROM record WHERE id = $1`,
      [penaltyId],
    );
    expect(penalty.countsUntil).toBeNull();
  });

  it('lists requests in the caller’s jurisdiction with filters and cursor paging', async () => {
    const all = await json(await call('GET', `/credit-repairs?entity=${USCC_A}`, officer));
    expect(all.items.map((r: { status: string }) => r.status)).toEqual(['withdrawn', 'rejected', 'approved']);
    expect(all.nextCursor).toBeNull();
    conforms(repairListResponse, all);
    conforms(repairResponse, await json(await call('GET', `/credit-repairs/${all.items[2].id}`, officer)));

    const approved = await json(await call('GET', '/credit-repairs?status=approved', staff));
    expect(approved.items).toHaveLength(1);
    expect(approved.items[0].record.id).toBe(listingId);
    expect((await json(await call('GET', '/credit-repairs?department=330106-TAX', staff))).items).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await json(
        await call('GET', `/credit-repairs?limit=1${cursor ? `&cursor=${cursor}` : ''}`, staff),
      );
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((r: { id: string }) => r.id));

    // Another county sees none of them, and may not open one.
    expect((await json(await call('GET', '/credit-repairs', outsider))).items).toEqual([]);
    expect((await call('GET', `/credit-repairs/${seen[0]}`, outsider)).status).toBe(403);
    expect((await call('GET', '/credit-repairs/424242', staff)).status).toBe(404);
    expect((await call('GET', '/credit-repairs?status=open', staff)).status).toBe(400);
    expect((await call('GET', '/credit-repairs?entity=not-a-key', staff)).status).toBe(400);
  });
});
