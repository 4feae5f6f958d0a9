import { json, sql, startStack, USCC_A, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../bootstrap';

// Personal data in an entity profile (信用画像) over HTTP: roles without personal-data:read see the
// legal representative's name and ID number masked, the address cut to the district, and the
// identifiers in records' free text masked; a refusal names nothing of the entity it refuses.
describe('entity profile: personal data and refusals (/api/v1/entities/:key)', () => {
  let stack: Stack<'staff' | 'coordinator' | 'foreign'>;
  let staff: TestUser;
  let coordinator: TestUser;
  let foreign: TestUser;

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
      },
    });
    ({ staff, coordinator, foreign } = stack.users);
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

  afterAll(() => stack?.close());

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
    for (const path of ['', '/scores', '/scores/compare']) {
      const res = await fetch(`${stack.url}/api/v1/entities/${USCC_A}${path}`, { headers: foreign.headers });
      expect(res.status).toBe(403);
      const { error } = await json(res);
      expect(error.code).toBe('forbidden');
      expect(error.message).toBe('this entity is outside your jurisdiction 330102 / 该主体不在您的辖区内');
      expect(JSON.stringify(error)).not.toContain('330106');
    }
  });
});
