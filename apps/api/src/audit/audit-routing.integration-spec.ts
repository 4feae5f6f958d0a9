import { randomUUID } from 'node:crypto';
import {
  json,
  sql,
  startStack,
  USCC_A,
  type Stack,
  type TestDatabase,
  type TestUser,
} from '@lianjian/testing';
import { apiApp } from '../bootstrap';

// Issue 13, findings 5 and 11: which requests the audit log records is decided from the route Nest
// resolved (its metadata), not by matching the path, so no spelling of a path reads data unaudited;
// routing is strict and case-sensitive; refused attempts on real routes are recorded, unmatched paths
// are not, and what is stored of a path is bounded.
describe('audit from route metadata', () => {
  let stack: Stack;
  let db: TestDatabase;
  let admin: TestUser;
  let auditor: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      users: {
        admin: 'admin',
        auditor: { role: 'auditor', regionCode: '330100' },
        outsider: { role: 'department_officer', departmentCode: '330102-SAMR', regionCode: '330102' },
      },
    });
    ({ db } = stack);
    ({ admin, auditor, outsider } = stack.users);
    await sql(
      db.url,
      `INSERT INTO entity (uscc, name, region_code, industry_code, provisional)
       VALUES ($1, '西湖区某餐饮有限公司', '330106', 'H6210', false)`,
      [USCC_A],
    );
  });

  afterAll(() => stack?.close());

  const call = (path: string, as?: TestUser, method = 'GET', body?: unknown) =>
    fetch(`${stack.url}${path}`, {
      method,
      headers: as?.headers ?? { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const entries = async () =>
    (await sql<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM audit_log`))[0].n;
  const last = async () =>
    (
      await sql<{ actor: string; action: string; target: string | null; result: string; detail: unknown }>(
        db.url,
        `SELECT actor, action, target, result, detail FROM audit_log ORDER BY seq DESC LIMIT 1`,
      )
    )[0];

  it.each([
    ['a trailing slash', `/api/v1/entities/${USCC_A}/`, 404],
    ['another case', `/api/v1/Entities/${USCC_A}`, 404],
    ['upper case', `/API/V1/ENTITIES/${USCC_A}`, 404],
    ['an encoded parameter', `/api/v1/entities/${USCC_A.replace('9', '%39')}`, 200],
  ])('does not return an entity profile unaudited through %s', async (_, path, status) => {
    const before = await entries();
    const res = await call(path, admin);
    expect(res.status).toBe(status);
    if (res.status === 404) {
      // Not a route (strict, case-sensitive routing): nothing was read, and a 404 is not audited.
      expect((await json(res)).error.code).toBe('not_found');
      expect(await entries()).toBe(before);
    } else {
      expect(res.status).toBe(200);
      expect(await entries()).toBe(before + 1);
      expect(await last()).toMatchObject({ action: 'GET /api/v1/entities/:key', result: 'ok' });
    }
  });

  it('audits a case read whose id is percent-encoded (/cases/%37)', async () => {
    const before = await entries();
    const res = await call('/api/v1/cases/%37', admin);
    expect([200, 404]).toContain(res.status);
    expect(await entries()).toBe(before + 1);
    expect(await last()).toMatchObject({ action: 'GET /api/v1/cases/:id', target: '{"id":"7"}' });
  });

  it.each([
    ['score history', `/api/v1/entities/${USCC_A}/scores`, 'GET /api/v1/entities/:key/scores'],
    [
      'a score comparison',
      `/api/v1/entities/${USCC_A}/scores/compare`,
      'GET /api/v1/entities/:key/scores/compare',
    ],
    ['refused rows', `/api/v1/batches/${randomUUID()}/rejections`, 'GET /api/v1/batches/:batchId/rejections'],
    ['credit repairs', '/api/v1/credit-repairs', 'GET /api/v1/credit-repairs'],
    ['a credit repair', '/api/v1/credit-repairs/1', 'GET /api/v1/credit-repairs/:id'],
    ['the inspector directory', '/api/v1/inspectors', 'GET /api/v1/inspectors'],
    ['an inspector', '/api/v1/inspectors/1', 'GET /api/v1/inspectors/:id'],
    ['an inspector’s conflicts', '/api/v1/inspectors/1/conflicts', 'GET /api/v1/inspectors/:id/conflicts'],
    [
      'a plan’s tasks',
      `/api/v1/inspection-plans/${randomUUID()}/tasks`,
      'GET /api/v1/inspection-plans/:id/tasks',
    ],
    [
      'a plan’s draw verification',
      `/api/v1/inspection-plans/${randomUUID()}/verify`,
      'GET /api/v1/inspection-plans/:id/verify',
    ],
    [
      'a plan’s population snapshot',
      `/api/v1/inspection-plans/${randomUUID()}/snapshot`,
      'GET /api/v1/inspection-plans/:id/snapshot',
    ],
    ['the audit log', '/api/v1/audit?limit=1', 'GET /api/v1/audit'],
    ['the audit verification', '/api/v1/audit/verify', 'GET /api/v1/audit/verify'],
  ])('audits reading %s', async (_, path, action) => {
    const before = await entries();
    const res = await call(path, admin);
    expect(res.status).toBeLessThan(500);
    expect(await entries()).toBe(before + 1);
    expect(await last()).toMatchObject({ actor: admin.username, action });
  });

  it('does not audit reads that are not declared audited', async () => {
    const before = await entries();
    expect((await call('/api/v1/departments', admin)).status).toBe(200);
    expect(await entries()).toBe(before);
  });

  it('audits refused attempts on real routes (401, 403)', async () => {
    let before = await entries();
    expect((await call(`/api/v1/entities/${USCC_A}`, outsider)).status).toBe(403);
    expect(await entries()).toBe(before + 1);
    expect(await last()).toMatchObject({
      actor: outsider.username,
      action: 'GET /api/v1/entities/:key',
      result: 'denied',
    });

    before = await entries();
    expect((await call('/api/v1/audit', undefined)).status).toBe(401);
    expect((await call('/api/v1/rules', auditor, 'POST', {})).status).toBe(403);
    expect(await entries()).toBe(before + 2);
    expect(await last()).toMatchObject({
      actor: auditor.username,
      action: 'POST /api/v1/rules',
      result: 'denied',
    });
  });

  it('does not audit unmatched paths, and bounds what is stored of a long path', async () => {
    const before = await entries();
    const long = 'x'.repeat(16_000);
    expect((await call(`/api/v1/${long}`, undefined, 'POST', {})).status).toBe(404);
    expect((await call(`/api/v1/nothing-here`, undefined)).status).toBe(404);
    expect((await call(`/api/v1/records/`, undefined, 'POST', {})).status).toBe(404);
    expect(await entries()).toBe(before);

    // A real route with a 16 kB parameter: audited, but not as a 16 kB row.
    const res = await call(`/api/v1/entities/${long}`, undefined);
    expect(res.status).toBe(401);
    expect(await entries()).toBe(before + 1);
    const [row] = await sql<{ size: number }>(
      db.url,
      `SELECT (length(coalesce(target, '')) + length(action) + length(detail::text))::int AS size
         FROM audit_log ORDER BY seq DESC LIMIT 1`,
    );
    expect(row.size).toBeLessThan(1200);
  });
});
