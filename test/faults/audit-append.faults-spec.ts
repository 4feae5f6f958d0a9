import {
  json,
  registrationRecord,
  sql,
  startStack,
  USCC_A,
  type Stack,
  type TestDatabase,
  type TestUser,
} from '@lianjian/testing';
import { JobQueue, QueueName } from '@lianjian/queue';
import { apiApp } from '../../apps/api/src/bootstrap';

// Issue 13, finding 6 and the fault "an audit append failing: the write it records does not commit
// either". The append is made to fail for real in the database (a trigger that raises on the table
// the write's transaction appends to), not mocked: the write must not remain, and the caller gets a
// 5xx. With the fault removed the same write goes through and is in the (intact) audit log.
describe('fault: the audit append fails', () => {
  let stack: Stack;
  let db: TestDatabase;
  let author: TestUser;
  let admin: TestUser;
  let auditor: TestUser;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      users: {
        author: { role: 'supervision_staff', username: 'fault.author' },
        admin: 'admin',
        auditor: 'auditor',
      },
    });
    ({ db } = stack);
    ({ author, admin, auditor } = stack.users);
  });

  afterAll(() => stack?.close());

  const definition = (id: string) => ({
    id,
    name: { zh: '两个部门处罚', en: 'Penalised by two departments' },
    trigger: { type: 'record', kinds: ['penalty'] },
    condition: { field: 'history.penalty.departments_12m', op: 'gte', value: 2 },
    severity: 'high',
    finding: {
      type: 'repeat_penalties',
      label: { zh: '多部门重复处罚', en: 'Penalties from several departments' },
    },
    legalBasis: [{ zh: '国办发〔2019〕35号', en: 'Guobanfa [2019] No. 35' }],
  });
  const createRule = (id: string) =>
    fetch(`${stack.url}/api/v1/rules`, {
      method: 'POST',
      headers: author.headers,
      body: JSON.stringify({ author: author.username, definition: definition(id) }),
    });
  const rules = async (id: string) =>
    (await sql<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM rule WHERE id = $1`, [id]))[0].n;
  // Every table an audit entry is appended to (the pending outbox, when there is one, and the chain).
  const auditTables = async () =>
    (
      await sql<{ t: string }>(
        db.url,
        `SELECT t FROM unnest(ARRAY['audit_log', 'audit_pending']) t WHERE to_regclass(t) IS NOT NULL`,
      )
    ).map((r) => r.t);

  const breakAppends = async () => {
    await sql(
      db.url,
      `CREATE FUNCTION fault_audit_append() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'fault injected: audit append refused'; END $$`,
    );
    for (const t of await auditTables())
      await sql(
        db.url,
        `CREATE TRIGGER fault_audit_append BEFORE INSERT ON ${t} FOR EACH ROW EXECUTE FUNCTION fault_audit_append()`,
      );
  };
  const repairAppends = async () => {
    for (const t of await auditTables()) await sql(db.url, `DROP TRIGGER fault_audit_append ON ${t}`);
    await sql(db.url, `DROP FUNCTION fault_audit_append()`);
  };

  it('answers 5xx and keeps nothing of the write when its audit entry cannot be appended', async () => {
    await breakAppends();
    try {
      const res = await createRule('fault-rule');
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect((await json(res)).error).toBeDefined();
      expect(await rules('fault-rule')).toBe(0);
    } finally {
      await repairAppends();
    }
  });

  it('queues no job for a write whose entry could not be appended (jobs wait for the commit)', async () => {
    const batches = async () =>
      (await sql<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM ingest_batch`))[0].n;
    const jobs = async () => {
      const counts = await stack.api.get(JobQueue).queue(QueueName.Ingest).getJobCounts();
      return Object.values(counts).reduce((a, b) => a + b, 0);
    };
    const before = { batches: await batches(), jobs: await jobs() };
    await breakAppends();
    try {
      const res = await fetch(`${stack.url}/api/v1/records`, {
        method: 'POST',
        headers: admin.headers,
        body: JSON.stringify({ source: 'samr-xihu', records: [registrationRecord(USCC_A)] }),
      });
      expect(res.status).toBe(503);
      expect((await json(res)).error.code).toBe('service_unavailable');
    } finally {
      await repairAppends();
    }
    expect({ batches: await batches(), jobs: await jobs() }).toEqual(before);
  });

  it('commits the write with its entry once appends work again, in an intact chain', async () => {
    const res = await createRule('fault-rule');
    expect(res.status).toBe(201);
    expect(await rules('fault-rule')).toBe(1);
    const [entry] = await sql<{ actor: string; result: string }>(
      db.url,
      `SELECT actor, result FROM audit_log WHERE action = 'POST /api/v1/rules' ORDER BY seq DESC LIMIT 1`,
    );
    expect(entry).toMatchObject({ actor: author.username, result: 'ok' });
    const verify = await json(await fetch(`${stack.url}/api/v1/audit/verify`, { headers: auditor.headers }));
    expect(verify.ok).toBe(true);
  });
});
