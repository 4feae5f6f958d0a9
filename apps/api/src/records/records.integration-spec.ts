import {
  inspectionRecord,
  penaltyRecord,
  registrationRecord,
  sql,
  json,
  startStack,
  USCC_A,
  type Stack,
  type TestDatabase,
  type TestUser,
} from '@lianjian/testing';
import { apiApp } from '../bootstrap';

// POST /api/v1/records against the real PostgreSQL and Redis: what is stored, what is refused.
describe('POST /api/v1/records', () => {
  let stack: Stack;
  let db: TestDatabase;
  let base: string;
  let admin: TestUser;

  beforeAll(async () => {
    stack = await startStack({ api: apiApp, users: { admin: 'admin' }, env: { BODY_LIMIT_MB: '1' } });
    db = stack.db;
    admin = stack.users.admin;
    base = `${stack.url}/api/v1`;
  });

  afterAll(() => stack?.close());

  const post = (body: unknown, raw = false) =>
    fetch(`${base}/records`, {
      method: 'POST',
      headers: admin.headers,
      body: raw ? (body as string) : JSON.stringify(body),
    });
  const counts = async () =>
    (
      await sql<{ batches: number; items: number; rejections: number }>(
        db.url,
        `SELECT (SELECT count(*)::int FROM ingest_batch) AS batches, (SELECT count(*)::int FROM ingest_item) AS items,
                (SELECT count(*)::int FROM ingest_rejection) AS rejections`,
      )
    )[0];

  it('accepts a valid batch: 202 with a batch id, records durable before the answer', async () => {
    const res = await post({
      source: 'samr-xihu',
      records: [registrationRecord(USCC_A), penaltyRecord(USCC_A, 'P-1')],
    });
    expect(res.status).toBe(202);
    const body = await json(res);
    expect(body).toMatchObject({ accepted: 2, rejected: [] });
    const [batch] = await sql<{ status: string; accepted: number }>(
      db.url,
      `SELECT status, accepted FROM ingest_batch WHERE id = $1`,
      [body.batchId],
    );
    expect(batch.accepted).toBe(2);
    const [{ n }] = await sql<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM ingest_item WHERE batch_id = $1`,
      [body.batchId],
    );
    expect(n).toBe(2);
  });

  it('answers 400 to a body that is not JSON and stores nothing', async () => {
    const before = await counts();
    const res = await post('{"source": "x", "records": [', true);
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('invalid_json');
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['an array', []],
    ['no source', { records: [registrationRecord(USCC_A)] }],
    ['records not an array', { source: 's', records: {} }],
    ['empty records', { source: 's', records: [] }],
    ['more than 10,000 records', { source: 's', records: Array.from({ length: 10001 }, () => ({})) }],
  ])('answers 400 to a body that is not a batch (%s) and stores nothing', async (_label, body) => {
    const before = await counts();
    const res = await post(body);
    expect(res.status).toBe(400);
    const out = await json(res);
    expect(out.error.code).toBe('invalid_body');
    expect(await counts()).toEqual(before);
  });

  it('answers 413 to a body over the size limit and stores nothing', async () => {
    const before = await counts();
    const big = {
      source: 's',
      records: [registrationRecord(USCC_A, { registration: { name: 'x'.repeat(1_200_000) } })],
    };
    const res = await post(big);
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe('payload_too_large');
    expect(await counts()).toEqual(before);
  });

  it('rejects invalid records one by one with reasons, keeps them, and stores only the valid ones', async () => {
    const future = new Date(Date.now() + 3 * 86400_000).toISOString().slice(0, 10);
    const records = [
      inspectionRecord(USCC_A, 'I-ok'),
      { ...inspectionRecord(USCC_A, 'I-kind'), kind: 'audit' },
      inspectionRecord('91330106MA2CXB7KXA', 'I-uscc'),
      inspectionRecord(USCC_A, 'I-future', 'pass', { occurredAt: future }),
      inspectionRecord(USCC_A, 'I-1948', 'pass', { occurredAt: '1948-12-31' }),
      penaltyRecord(USCC_A, 'P-neg', { penalty: { penaltyTypes: ['fine'], fineAmount: -5 } }),
      (({ sourceRecordId: _omit, ...r }) => r)(inspectionRecord(USCC_A, 'x')),
      inspectionRecord(USCC_A, 'I-dept', 'pass', { departmentCode: '999999-NOPE' }),
      inspectionRecord(USCC_A, 'I-ok'),
    ];
    const res = await post({ source: 'samr-xihu', records });
    expect(res.status).toBe(202);
    const body = await json(res);
    expect(body.accepted).toBe(1);
    const byIndex = Object.fromEntries(
      body.rejected.map((r: { index: number; reasons: string[] }) => [r.index, r.reasons.join(' | ')]),
    );
    expect(Object.keys(byIndex).map(Number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(byIndex[1]).toMatch(/^kind: must be one of/);
    expect(byIndex[2]).toMatch(/entity\.uscc: .*check character/);
    expect(byIndex[3]).toMatch(/occurredAt: .* in the future/);
    expect(byIndex[4]).toMatch(/occurredAt: 1948-12-31 is before 1949-10-01/);
    expect(byIndex[5]).toMatch(/penalty\.fineAmount: must not be negative/);
    expect(byIndex[6]).toMatch(/sourceRecordId: /);
    expect(byIndex[7]).toMatch(/departmentCode: unknown department '999999-NOPE'/);
    expect(byIndex[8]).toMatch(/repeats the record at index 0/);

    const stored = await sql<{ source_record_id: string }>(
      db.url,
      `SELECT source_record_id FROM ingest_item WHERE batch_id = $1`,
      [body.batchId],
    );
    expect(stored.map((r) => r.source_record_id)).toEqual(['I-ok']);
    const kept = await sql<{ idx: number; raw: unknown }>(
      db.url,
      `SELECT idx, raw FROM ingest_rejection WHERE batch_id = $1 ORDER BY idx`,
      [body.batchId],
    );
    expect(kept.map((r) => r.idx)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(kept[1].raw).toEqual(records[2]);

    const report = await json(await fetch(`${base}/batches/${body.batchId}`, { headers: admin.headers }));
    expect(report).toMatchObject({ accepted: 1, rejected: 8 });
    expect(report.rejections).toHaveLength(8);
  });

  it('gives 404 for an unknown batch', async () => {
    const res = await fetch(`${base}/batches/00000000-0000-4000-8000-000000000000`, {
      headers: admin.headers,
    });
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('not_found');
  });
});
