import ExcelJS from 'exceljs';
import { sql, startStack, type Stack } from '@lianjian/testing';
import { apiApp } from '../bootstrap';

// 风险名单导出: the risk list of a filter as an Excel workbook, against the real PostgreSQL: the same
// rows and order as the list's pages, within the caller's jurisdiction, cut at the row limit with the
// cut stated in the workbook, headings in the language asked for, every export in the audit log.
describe('risk list export (GET /api/v1/risk-list/export)', () => {
  let stack: Stack<'staffXihu' | 'staffCity' | 'security'>;
  const LIMIT = 25;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      env: { RISK_LIST_EXPORT_MAX_ROWS: String(LIMIT) },
      users: {
        staffXihu: { role: 'supervision_staff', departmentCode: '330106-SAMR', regionCode: '330106' },
        staffCity: { role: 'supervision_staff', departmentCode: '330100-SAMR', regionCode: '330100' },
        security: 'security_admin',
      },
    });
    // 60 entities, 40 in Xihu (330106) and 20 in Shangcheng (330102); scores with ties.
    await sql(
      stack.db.url,
      `INSERT INTO entity (id, ext_scheme, ext_id, name, region_code, industry_code, provisional)
       SELECT n, 'test', n::text, '测试主体' || n, CASE WHEN n % 3 = 0 THEN '330102' ELSE '330106' END,
              'H6210', false
         FROM generate_series(1, 60) n`,
    );
    await sql(
      stack.db.url,
      `INSERT INTO score (entity_id, model_version, as_of, score, base_points, raw_score, class_before_floors,
                          risk_class, factors, inputs_hash, trigger)
       SELECT n, 'scorecard-v1', '2026-11-01', (n * 37 % 50)::numeric / 2, 0, 0, 'A',
              (ARRAY['A', 'B', 'C', 'D'])[1 + n % 4], '[]', 'h', 'test'
         FROM generate_series(1, 60) n`,
    );
    await sql(
      stack.db.url,
      `INSERT INTO entity_risk (entity_id, score_id, score, risk_class, model_version, region_code, industry_code,
                                top_factors, scored_at)
       SELECT s.entity_id, s.id, s.score, s.risk_class, 'scorecard-v1', e.region_code, e.industry_code,
              '[{"name":"penalties_12m","value":2,"points":12.5}]', '2026-11-01T02:00:00Z'
         FROM score s JOIN entity e ON e.id = s.entity_id`,
    );
  });

  afterAll(() => stack?.close());

  const get = (who: 'staffXihu' | 'staffCity' | 'security', query: string) =>
    fetch(`${stack.url}/api/v1/risk-list/export${query}`, { headers: stack.users[who].headers });

  async function workbook(res: Response) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const rows = (i: number) =>
      wb.worksheets[i]!.getSheetValues()
        .filter(Boolean)
        .map((r) => (r as unknown[]).slice(1));
    return { list: rows(0), about: new Map(rows(1).map((r) => [String(r[0]), String(r[1])])) };
  }

  // Every row of the list the same filter gives, page after page.
  async function listed(who: 'staffXihu' | 'staffCity', query: string) {
    const keys: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await fetch(
        `${stack.url}/api/v1/risk-list?limit=7${query}${cursor ? `&cursor=${cursor}` : ''}`,
        { headers: stack.users[who].headers },
      );
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: { entity: { key: string } }[]; nextCursor: string | null };
      keys.push(...page.items.map((i) => i.entity.key));
      cursor = page.nextCursor;
    } while (cursor);
    return keys;
  }

  it('holds the rows of the filtered list in its order, within the jurisdiction, headings in Chinese', async () => {
    const res = await get('staffXihu', '?class=C&class=D');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="risk-list-\d{8}\.xlsx"/);
    expect(res.headers.get('x-row-limit')).toBe(String(LIMIT));
    const { list, about } = await workbook(res);
    expect(list[0]).toEqual([
      '主体名称',
      '统一社会信用代码',
      '行政区划代码',
      '行政区划',
      '行业代码',
      '行业',
      '评分',
      '风险分类',
      '主要风险因素',
      '评分模型',
      '评分时间',
    ]);
    const body = list.slice(1);
    // Xihu's C and D entities only (staff of Xihu see nothing of Shangcheng), as the list pages them.
    expect(body.map((r) => r[1])).toEqual(await listed('staffXihu', '&class=C&class=D'));
    expect(body.length).toBeGreaterThan(0);
    expect(body.length).toBeLessThan(LIMIT);
    expect(body.every((r) => r[2] === '330106' && ['C', 'D'].includes(String(r[7])))).toBe(true);
    const scores = body.map((r) => Number(r[6]));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(String(body[0]![3])).toContain('西湖区');
    expect(body[0]![10]).toBe('2026-11-01 10:00:00');
    expect(about.get('是否截断')).toMatch(/^否/);
    expect(about.get('导出行数')).toBe(String(body.length));
    expect(about.get('筛选条件')).toBe('class=C,D');
    expect(about.get('导出人')).toBe(stack.users.staffXihu.username);
  });

  it('cuts a bigger list at the row limit, highest scores first, and says so (in English when asked)', async () => {
    const res = await get('staffCity', '?lang=en-US');
    expect(res.status).toBe(200);
    const { list, about } = await workbook(res);
    expect(list[0]![0]).toBe('Name');
    const body = list.slice(1);
    expect(body).toHaveLength(LIMIT);
    expect(body.map((r) => r[1])).toEqual((await listed('staffCity', '')).slice(0, LIMIT));
    expect(about.get('Cut at the limit')).toMatch(/^yes/);
    expect(about.get('Row limit')).toBe(String(LIMIT));
    expect(String(body[0]![8])).toMatch(/\+12\.5$/);
  });

  it('is audited with its filter before it is sent, refused outside the jurisdiction and without risk-list:read', async () => {
    const before = await sql<{ n: string }>(
      stack.db.url,
      `SELECT count(*)::text AS n FROM audit_log WHERE action = 'GET /api/v1/risk-list/export'`,
    );
    expect((await get('staffXihu', '?region=330102')).status).toBe(403);
    expect((await get('security', '')).status).toBe(403);
    const bad = await get('staffXihu', '?class=E');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('class must be A, B, C or D');
    // The entry is stored before the first byte of the workbook: read here with only the headers in.
    const ok = await get('staffXihu', '?minScore=10');
    expect(ok.status).toBe(200);
    const entries = await sql<{ actor: string; result: string; detail: string }>(
      stack.db.url,
      `SELECT actor, result, detail::text FROM audit_log WHERE action = 'GET /api/v1/risk-list/export' ORDER BY seq`,
    );
    expect(entries.length - Number(before[0]!.n)).toBe(4);
    // (A refusal is one entry: nothing of the export was stored as 'ok' before the jurisdiction check.)
    expect(entries.map((e) => e.result).slice(-4)).toEqual(['denied', 'denied', 'refused', 'ok']);
    expect(JSON.parse(entries[entries.length - 1]!.detail)).toMatchObject({ query: { minScore: '10' } });
    expect((await ok.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });
});
