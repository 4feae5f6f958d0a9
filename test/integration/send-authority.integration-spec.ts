import { randomUUID } from 'node:crypto';
import {
  createTestApiKey,
  eventually,
  json,
  penaltyRecord,
  registrationRecord,
  sql,
  startStack,
  USCC_A,
  USCC_B,
  type Stack,
  type TestDatabase,
  type TestUser,
} from '@lianjian/testing';
import { makeUscc } from '@lianjian/reference';
import { RECORD_KIND_SPECS } from '@lianjian/domain';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';

// Who may send what (issue 13, findings 1-3), through the API staff and departmental systems use and
// the worker that applies and evaluates: only registration authorities change master data, within
// their jurisdiction; a source belongs to one department; each record names its sender's department.
const USCC_SHANGCHENG = makeUscc({
  authority: '9',
  category: '1',
  regionCode: '330102',
  orgBody: 'MA2H3K4L',
});
const USCC_C = makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody: 'MA2D4E5F' });
const REG = RECORD_KIND_SPECS.registration.example;
// Within the 12 months of "penalised by two or more departments".
const RECENT = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);

describe('who may send what', () => {
  let stack: Stack;
  let db: TestDatabase;
  let base: string;
  let admin: TestUser;
  let samrOfficer: TestUser;
  let taxOfficer: TestUser;
  const key = {} as Record<'samr' | 'tax' | 'taxOnSamrSource', Record<string, string>>;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      users: {
        admin: 'admin',
        samrOfficer: { role: 'department_officer', departmentCode: '330106-SAMR', regionCode: '330106' },
        taxOfficer: { role: 'department_officer', departmentCode: '330106-TAX', regionCode: '330106' },
      },
      env: { FEED_CHECK_CRON: '', FILE_STORE_DIR: `/tmp/lianjian-test-files-${randomUUID()}` },
    });
    db = stack.db;
    ({ admin, samrOfficer, taxOfficer } = stack.users);
    base = `${stack.url}/api/v1`;
    key.samr = (
      await createTestApiKey(db.url, { departmentCode: '330106-SAMR', sources: ['samr-xihu'] })
    ).headers;
    key.tax = (
      await createTestApiKey(db.url, { departmentCode: '330106-TAX', sources: ['tax-xihu'] })
    ).headers;
    key.taxOnSamrSource = (
      await createTestApiKey(db.url, { departmentCode: '330106-TAX', sources: ['samr-xihu'] })
    ).headers;

    // Shangcheng's company, registered by Shangcheng's market regulator; Xihu's, by Xihu's.
    await done(
      await post(admin.headers, 'samr-shangcheng', [
        registrationRecord(USCC_SHANGCHENG, {
          departmentCode: '330102-SAMR',
          registration: { ...REG, name: '上城区某食品有限公司', regionCode: '330102' },
        }),
      ]),
    );
    await done(await post(admin.headers, 'samr-xihu', [registrationRecord(USCC_A)]));
  }, 60_000);

  afterAll(() => stack?.close());

  const send = (headers: Record<string, string>, source: string, records: unknown[]) =>
    fetch(`${base}/records`, { method: 'POST', headers, body: JSON.stringify({ source, records }) });
  async function post(headers: Record<string, string>, source: string, records: unknown[]) {
    const res = await send(headers, source, records);
    expect(res.status).toBe(202);
    return json(res);
  }
  const reasonsOf = (answer: { rejected: { index: number; reasons: string[] }[] }) =>
    Object.fromEntries(answer.rejected.map((r) => [r.index, r.reasons.join(' | ')]));
  const done = (answer: { batchId: string }) =>
    eventually(async () => {
      const b = await json(await fetch(`${base}/batches/${answer.batchId}`, { headers: admin.headers }));
      return b.status === 'done' || b.status === 'failed' ? b : undefined;
    });
  async function upload(source: string, name: string, text: string) {
    const form = new FormData();
    form.append('file', new Blob([text]), name);
    const res = await fetch(`${base}/sources/${source}/files`, {
      method: 'POST',
      headers: { authorization: admin.headers.authorization },
      body: form,
    });
    expect(res.status).toBe(202);
    return done(await json(res));
  }
  const entityRow = async (uscc: string) =>
    (
      await sql<{ region_code: string; name: string; master_source: string | null }>(
        db.url,
        `SELECT region_code, name, master_source FROM entity WHERE uscc = $1`,
        [uscc],
      )
    )[0];

  it('finding 1: only a registration authority changes master data, within its jurisdiction', async () => {
    // Xihu's market regulator moves Shangcheng's company into Xihu, and registers a new one in Shangcheng.
    const moved = await post(samrOfficer.headers, 'samr-xihu', [
      registrationRecord(USCC_SHANGCHENG, {
        sourceRecordId: 'REG-TAKEOVER',
        registration: { ...REG, name: '被改名的公司', regionCode: '330106' },
      }),
      registrationRecord(USCC_C, { registration: { ...REG, regionCode: '330102' } }),
    ]);
    expect(moved.accepted).toBe(0);
    const why = reasonsOf(moved);
    expect(why[0]).toMatch(/^entity: registered outside the jurisdiction of 330106-SAMR.*不在本部门辖区/);
    expect(why[1]).toMatch(/^registration\.regionCode: 330102 is outside the jurisdiction of 330106-SAMR/);

    // The tax bureau is no registration authority (登记机关), not even for its own county's company.
    const tax = await post(key.tax, 'tax-xihu', [
      registrationRecord(USCC_A, {
        departmentCode: '330106-TAX',
        registration: { ...REG, name: '税务改的名字' },
      }),
    ]);
    expect(reasonsOf(tax)[0]).toMatch(/^kind: source tax-xihu is not a registration authority.*非登记机关/);

    // Within its jurisdiction the registration authority changes master data, which names its source.
    await done(
      await post(key.samr, 'samr-xihu', [
        registrationRecord(USCC_A, {
          sourceRecordId: 'REG-A-2',
          occurredAt: '2024-01-02',
          registration: { name: '西湖区新名称餐饮有限公司' },
        }),
      ]),
    );
    expect(await entityRow(USCC_SHANGCHENG)).toEqual({
      region_code: '330102',
      name: '上城区某食品有限公司',
      master_source: 'samr-shangcheng',
    });
    expect(await entityRow(USCC_A)).toMatchObject({
      region_code: '330106',
      name: '西湖区新名称餐饮有限公司',
      master_source: 'samr-xihu',
    });
    const view = await json(await fetch(`${base}/entities/${USCC_SHANGCHENG}`, { headers: admin.headers }));
    expect(view.entity).toMatchObject({ regionCode: '330102', masterSource: 'samr-shangcheng' });
  });

  it('finding 2: a source belongs to its department, internal sources are reserved, records keep department and entity', async () => {
    const penalty = penaltyRecord(USCC_A, 'P-KEEP', { departmentCode: '330106-TAX' });
    // samr-xihu is Xihu market regulation's: neither the tax officer nor a tax key scoped to it sends there.
    for (const headers of [taxOfficer.headers, key.taxOnSamrSource]) {
      const res = await send(headers, 'samr-xihu', [penalty]);
      expect(res.status).toBe(403);
      expect((await json(res)).error.message).toMatch(
        /source samr-xihu belongs to 330106-SAMR.*属于其他部门/,
      );
    }
    // case-feedback is written by the case loop itself: nobody posts under it.
    for (const headers of [admin.headers, samrOfficer.headers]) {
      const res = await send(headers, 'case-feedback', [penaltyRecord(USCC_A, 'CASE-1-330106-SAMR')]);
      expect(res.status).toBe(403);
      expect((await json(res)).error.message).toMatch(/written by Lianjian itself/);
    }

    await done(await post(key.samr, 'samr-xihu', [penaltyRecord(USCC_A, 'P-KEEP')]));
    // Re-sent about another entity: refused, the record stays where it was.
    const other = await post(admin.headers, 'samr-xihu', [penaltyRecord(USCC_B, 'P-KEEP')]);
    expect(reasonsOf(other)[0]).toMatch(/^entity: record P-KEEP of this source is about another entity/);

    // A feed whose allow-list covers both departments still never moves a record from one to the other.
    const line = (dept: string) =>
      JSON.stringify({ ...penaltyRecord(USCC_A, 'N-MOVE'), departmentCode: dept }) + '\n';
    expect(await upload('lianjian-canonical-ndjson', 'a.ndjson', line('330106-SAMR'))).toMatchObject({
      inserted: 1,
    });
    const moved = await upload('lianjian-canonical-ndjson', 'b.ndjson', line('330102-SAMR'));
    expect(moved).toMatchObject({ status: 'done', inserted: 0, updated: 0, rejected: 1 });
    expect(moved.rejections[0].reasons.join(' ')).toMatch(
      /^departmentCode: record N-MOVE of this source belongs to 330106-SAMR, not 330102-SAMR/,
    );
    const stored = await sql<{ source: string; department_code: string; uscc: string }>(
      db.url,
      `SELECT r.source, r.department_code, e.uscc FROM record r JOIN entity e ON e.id = r.entity_id
        WHERE r.source_record_id IN ('P-KEEP', 'N-MOVE') ORDER BY 1`,
    );
    expect(stored).toEqual([
      { source: 'lianjian-canonical-ndjson', department_code: '330106-SAMR', uscc: USCC_A },
      { source: 'samr-xihu', department_code: '330106-SAMR', uscc: USCC_A },
    ]);
  });

  it('finding 3: every record and row names its sender’s department; a forged penalty never reaches the rules', async () => {
    // Xihu market regulation's system forges a tax penalty beside its own: "penalised by 2+ departments".
    const forged = await post(key.samr, 'samr-xihu', [
      registrationRecord(USCC_C),
      penaltyRecord(USCC_C, 'P-OWN', { occurredAt: RECENT }),
      penaltyRecord(USCC_C, 'P-FORGED', { occurredAt: RECENT, departmentCode: '330106-TAX' }),
    ]);
    expect(forged.accepted).toBe(2);
    expect(reasonsOf(forged)[2]).toMatch(
      /^departmentCode: source samr-xihu sends for 330106-SAMR, not 330106-TAX.*不能报送其他部门的记录/,
    );
    await done(forged);

    // An officer sending JSON under their department's profile source, and a file's per-row column.
    const viaProfile = await post(samrOfficer.headers, 'lianjian-canonical-inspections', [
      { ...penaltyRecord(USCC_C, 'P-PROFILE'), departmentCode: '330106-TAX' },
    ]);
    expect(reasonsOf(viaProfile)[0]).toMatch(/^departmentCode: .* not 330106-TAX/);
    const csv = await upload(
      'lianjian-canonical-inspections',
      'rows.csv',
      'sourceRecordId,uscc,departmentCode,occurredAt,result,matter,critical,serious,minor,trigger\n' +
        `I-OWN,${USCC_C},330106-SAMR,2025-05-10,pass,食品经营,0,0,0,random\n` +
        `I-FORGED,${USCC_C},330106-TAX,2025-05-10,fail,食品经营,1,0,0,random\n`,
    );
    expect(csv).toMatchObject({ status: 'done', inserted: 1, rejected: 1 });
    expect(csv.rejections[0]).toMatchObject({ rowNumber: 3 });
    expect(csv.rejections[0].reasons.join(' ')).toMatch(/^departmentCode: .* not 330106-TAX/);
    // A canonical NDJSON line of a department outside the feed's allow-list (33*).
    const ndjson = await upload(
      'lianjian-canonical-ndjson',
      'c.ndjson',
      JSON.stringify({ ...penaltyRecord(USCC_C, 'N-CHI'), departmentCode: 'US-CHI-CDPH' }) + '\n',
    );
    expect(ndjson).toMatchObject({ inserted: 0, rejected: 1 });

    const stored = await sql<{ id: string; source_record_id: string }>(
      db.url,
      `SELECT r.id::text, r.source_record_id FROM record r JOIN entity e ON e.id = r.entity_id
        WHERE e.uscc = $1 ORDER BY 2`,
      [USCC_C],
    );
    expect(stored.map((r) => r.source_record_id)).toEqual(['I-OWN', 'P-OWN', `REG-${USCC_C}`]);

    // The tax bureau's own penalty is the second department: now, and only now, the rule fires.
    const genuine = await post(key.tax, 'tax-xihu', [
      penaltyRecord(USCC_C, 'T-1', { occurredAt: RECENT, departmentCode: '330106-TAX' }),
    ]);
    expect(genuine.accepted).toBe(1);
    const alerts = await eventually(async () => {
      const a = await json(await fetch(`${base}/alerts?entity=${USCC_C}`, { headers: admin.headers }));
      const multi = a.items.filter((x: { ruleId: string }) => x.ruleId === 'multi-department-penalties');
      return multi.length ? multi : undefined;
    });
    expect(alerts).toHaveLength(1);
    const [{ id: taxRecord }] = await sql<{ id: string }>(
      db.url,
      `SELECT id::text FROM record WHERE source = 'tax-xihu' AND source_record_id = 'T-1'`,
    );
    expect(alerts[0].triggerRecordIds.map(String)).toContain(taxRecord);
  });
});
