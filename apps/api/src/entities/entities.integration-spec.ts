import { makeUscc } from '@lianjian/reference';
import { json, sql, startStack, USCC_A, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../bootstrap';
import { relatedPartiesResponse } from './dto/entity.dto';

// Personal data in an entity profile (信用画像) over HTTP: roles without personal-data:read see the
// legal representative's name and ID number masked, the address cut to the district, and the
// identifiers in records' free text masked; a refusal names nothing of the entity it refuses.
describe('entity profile: personal data and refusals (/api/v1/entities/:key)', () => {
  let stack: Stack<'staff' | 'coordinator' | 'foreign' | 'security'>;
  let staff: TestUser;
  let coordinator: TestUser;
  let foreign: TestUser;
  let security: TestUser;

  const ID_NUMBER = '330106198001011235';
  const ADDRESS = '浙江省杭州市西湖区文三路100号3幢201室';
  const FINDINGS = '负责人张小明未持健康证，联系电话13812345678，身份证号330106199001011234';
  const registration = {
    name: '杭州西湖味道餐饮有限公司',
    legalRepresentative: { name: '王建国', idNumber: ID_NUMBER },
    address: ADDRESS,
  };

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      users: {
        staff: { role: 'supervision_staff', departmentCode: '330106-SAMR', regionCode: '330106' },
        coordinator: { role: 'coordinator', departmentCode: '330106-SAMR', regionCode: '330106' },
        foreign: { role: 'supervision_staff', departmentCode: '330102-SAMR', regionCode: '330102' },
        security: 'security_admin',
      },
    });
    ({ staff, coordinator, foreign, security } = stack.users);
    const [e] = await sql<{ id: string }>(
      stack.db.url,
      `INSERT INTO entity (uscc, name, region_code, industry_code, legal_rep_name, legal_rep_id_number, address, provisional)
       VALUES ($1, $2, '330106', 'H6210', '王建国', $3, $4, false) RETURNING id::text`,
      [USCC_A, registration.name, ID_NUMBER, ADDRESS],
    );
    await sql(
      stack.db.url,
      `INSERT INTO record (source, source_record_id, kind, entity_id, department_code, occurred_at, data, content_hash, batch_id)
       VALUES ('samr-xihu', 'REG-1', 'registration', $1, '330106-SAMR', '2025-01-02', $2, 'h1', gen_random_uuid()),
              ('samr-xihu', 'INS-1', 'inspection', $1, '330106-SAMR', '2025-03-04', $3, 'h2', gen_random_uuid())`,
      [
        e.id,
        JSON.stringify(registration),
        JSON.stringify({ result: 'rectified', matter: '食品经营许可', findings: [FINDINGS] }),
      ],
    );
  });

  // Its related parties (关联主体): two share the legal representative's ID number (one of them the
  // address too), one the address only, one in Shangcheng the legal representative; one shares
  // nothing. B is on the serious-violation list (its profile) and scored D; C was never scored.
  const xihu = (orgBody: string) =>
    makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody });
  const REP_ONLY = xihu('MA2R0001');
  const BOTH = xihu('MA2R0002');
  const ADDRESS_ONLY = xihu('MA2R0003');
  const UNRELATED = xihu('MA2R0004');
  const SHANGCHENG = makeUscc({ authority: '9', category: '1', regionCode: '330102', orgBody: 'MA2R0005' });
  beforeAll(async () => {
    const rows = await sql<{ id: string; uscc: string }>(
      stack.db.url,
      `INSERT INTO entity (uscc, name, region_code, industry_code, legal_rep_name, legal_rep_id_number, address, provisional)
       VALUES ($1, '西湖同代表甲有限公司', '330106', 'H6210', '王建国', $6, '浙江省杭州市西湖区天目山路1号', false),
              ($2, '西湖同代表同址乙有限公司', '330106', 'H6210', '王建国', $6, $7, false),
              ($3, '西湖同址丙有限公司', '330106', 'H6210', '李四海', '330106197002021234', $7, false),
              ($4, '西湖无关丁有限公司', '330106', 'H6210', '赵六', '330106197003031234', '浙江省杭州市西湖区其他路9号', false),
              ($5, '上城同代表戊有限公司', '330102', 'H6210', '王建国', $6, '浙江省杭州市上城区某路2号', false)
       RETURNING id::text, uscc`,
      [REP_ONLY, BOTH, ADDRESS_ONLY, UNRELATED, SHANGCHENG, ID_NUMBER, ADDRESS],
    );
    const idOf = (u: string) => rows.find((r) => r.uscc === u)!.id;
    await sql(
      stack.db.url,
      `INSERT INTO profile (entity_id, as_of, features)
       VALUES ($1, '2026-11-01', '{"on_serious_violation_list": 1}'), ($2, '2026-11-01', '{"complaints_12m": 2}')`,
      [idOf(REP_ONLY), idOf(BOTH)],
    );
    for (const [u, score, cls] of [
      [REP_ONLY, 91.5, 'D'],
      [BOTH, 40, 'B'],
    ] as const)
      await sql(
        stack.db.url,
        `WITH s AS (
           INSERT INTO score (entity_id, model_version, as_of, score, base_points, raw_score, class_before_floors,
                              risk_class, factors, inputs_hash, trigger)
           VALUES ($1, 'scorecard-v1', '2026-11-01', $2, 0, 0, $3, $3, '[]', 'h', 'test') RETURNING id, entity_id)
         INSERT INTO entity_risk (entity_id, score_id, score, risk_class, model_version, region_code, industry_code,
                                  top_factors, scored_at)
         SELECT entity_id, id, $2, $3, 'scorecard-v1', '330106', 'H6210', '[]', now() FROM s`,
        [idOf(u), score, cls],
      );
  });

  afterAll(() => stack?.close());

  const related = async (who: TestUser, key = USCC_A) => {
    const res = await fetch(`${stack.url}/api/v1/entities/${key}/related`, { headers: who.headers });
    return { status: res.status, body: await json(res) };
  };

  it('lists the related parties in the jurisdiction, flagged first, and counts the others', async () => {
    const { status, body } = await related(staff);
    expect(status).toBe(200);
    // The answer is what the OpenAPI document (and so the console's types) says it is.
    expect(relatedPartiesResponse.safeParse(body).error?.issues).toBeUndefined();
    expect(body).toEqual({
      entity: USCC_A,
      total: 3,
      outside: 1,
      items: [
        {
          key: REP_ONLY,
          uscc: REP_ONLY,
          name: '西湖同代表甲有限公司',
          regionCode: '330106',
          regionName: '西湖区',
          relation: 'legal_rep',
          legalRepName: '王*国',
          score: 91.5,
          riskClass: 'D',
          flagged: true,
        },
        expect.objectContaining({ key: BOTH, relation: 'both', score: 40, riskClass: 'B', flagged: false }),
        expect.objectContaining({
          key: ADDRESS_ONLY,
          relation: 'address',
          legalRepName: '李*海',
          score: null,
          riskClass: null,
          flagged: false,
        }),
      ],
    });
    // Neither the shared ID number nor the entity outside the jurisdiction is named.
    expect(JSON.stringify(body)).not.toMatch(/198001011235|王建国|上城|330102/);
    expect(JSON.stringify(body)).not.toContain(SHANGCHENG);
    expect(JSON.stringify(body)).not.toContain(UNRELATED);
  });

  it('names the legal representatives in full to roles that act on the entity; from Shangcheng the Xihu ones are only counted', async () => {
    const { body } = await related(coordinator);
    expect(body.items[0].legalRepName).toBe('王建国');
    expect(JSON.stringify(body)).not.toContain(ID_NUMBER);
    // From Shangcheng: A, REP_ONLY and BOTH share its legal representative, all outside: counted only.
    const own = await related(foreign, SHANGCHENG);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ entity: SHANGCHENG, total: 0, outside: 3, items: [] });
  });

  it('refuses a caller without entities:read, and audits the read', async () => {
    const { status, body } = await related(security);
    expect(status).toBe(403);
    expect(body.error.code).toBe('forbidden');
    // Every read is audited, the refused one too (it reveals relationships, as the profile does).
    const rows = await sql<{ role: string; result: string }>(
      stack.db.url,
      `SELECT role, result FROM audit_log WHERE action = 'GET /api/v1/entities/:key/related' ORDER BY seq`,
    );
    expect(rows).toContainEqual(expect.objectContaining({ role: 'supervision_staff', result: 'ok' }));
    expect(rows[rows.length - 1]).toMatchObject({ role: 'security_admin', result: 'denied' });
  });

  const profile = async (who: TestUser) => {
    const res = await fetch(`${stack.url}/api/v1/entities/${USCC_A}`, { headers: who.headers });
    return { status: res.status, body: await json(res) };
  };
  const recordOf = (body: { records: Record<string, unknown>[] }, kind: string) =>
    body.records.find((r) => r.kind === kind)![kind] as Record<string, unknown>;

  it('masks the legal representative, the address and the free text for roles without personal-data:read', async () => {
    const { status, body } = await profile(staff);
    expect(status).toBe(200);
    expect(body.entity.legalRepresentative).toEqual({ name: '王*国', idNumber: '330106********1235' });
    expect(body.entity.address).toBe('浙江省杭州市西湖区***');
    expect(body.entity.name).toBe(registration.name); // a company's name is not personal data
    expect(recordOf(body, 'registration')).toEqual({
      name: registration.name,
      legalRepresentative: { name: '王*国', idNumber: '330106********1235' },
      address: '浙江省杭州市西湖区***',
    });
    const [findings] = recordOf(body, 'inspection').findings as string[];
    expect(findings).toBe('负责人张**未持健康证，联系电话138****5678，身份证号330106********1234');
    expect(JSON.stringify(body)).not.toMatch(/王建国|文三路|张小明|13812345678|199001011234|198001011235/);
  });

  it('shows them in full to roles that act on the entity', async () => {
    const { body } = await profile(coordinator);
    expect(body.entity.legalRepresentative).toEqual({ name: '王建国', idNumber: ID_NUMBER });
    expect(body.entity.address).toBe(ADDRESS);
    expect(recordOf(body, 'registration')).toEqual(registration);
    expect(recordOf(body, 'inspection').findings).toEqual([FINDINGS]);
  });

  it('refuses outside the jurisdiction without naming the entity’s region (zh-CN and English)', async () => {
    for (const path of ['', '/scores', '/scores/compare', '/related']) {
      const res = await fetch(`${stack.url}/api/v1/entities/${USCC_A}${path}`, { headers: foreign.headers });
      expect(res.status).toBe(403);
      const { error } = await json(res);
      expect(error.code).toBe('forbidden');
      expect(error.message).toBe('this entity is outside your jurisdiction 330102 / 该主体不在您的辖区内');
      expect(JSON.stringify(error)).not.toContain('330106');
    }
  });
});
