import { Client } from 'pg';

export interface DepartmentFixture {
  code: string;
  name: string;
  domains: string[];
  regionCode: string;
  level: 'province' | 'city' | 'county';
}

// A small real jurisdiction: Xihu district (330106) of Hangzhou (330100), Zhejiang (330000).
export const XIHU_DEPARTMENTS: DepartmentFixture[] = [
  {
    code: '330106-SAMR',
    name: '杭州市西湖区市场监督管理局',
    domains: [
      'market_regulation',
      'food_safety',
      'drugs',
      'medical_devices',
      'cosmetics',
      'special_equipment',
      'product_quality',
    ],
    regionCode: '330106',
    level: 'county',
  },
  {
    code: '330106-TAX',
    name: '国家税务总局杭州市西湖区税务局',
    domains: ['tax'],
    regionCode: '330106',
    level: 'county',
  },
  {
    code: '330106-EEB',
    name: '杭州市生态环境局西湖分局',
    domains: ['environment'],
    regionCode: '330106',
    level: 'county',
  },
  {
    code: '330106-HEALTH',
    name: '杭州市西湖区卫生健康局',
    domains: ['public_health'],
    regionCode: '330106',
    level: 'county',
  },
  {
    code: '330106-EMA',
    name: '杭州市西湖区应急管理局',
    domains: ['work_safety'],
    regionCode: '330106',
    level: 'county',
  },
  {
    code: '330106-HRSS',
    name: '杭州市西湖区人力资源和社会保障局',
    domains: ['labour'],
    regionCode: '330106',
    level: 'county',
  },
  {
    code: '330100-SAMR',
    name: '杭州市市场监督管理局',
    domains: [
      'market_regulation',
      'food_safety',
      'drugs',
      'medical_devices',
      'cosmetics',
      'special_equipment',
      'product_quality',
    ],
    regionCode: '330100',
    level: 'city',
  },
  {
    code: '330100-TAX',
    name: '国家税务总局杭州市税务局',
    domains: ['tax'],
    regionCode: '330100',
    level: 'city',
  },
  {
    code: '330100-COURT',
    name: '杭州市中级人民法院',
    domains: ['court_enforcement'],
    regionCode: '330100',
    level: 'city',
  },
  {
    code: '330100-DRC',
    name: '杭州市发展和改革委员会',
    domains: ['credit_coordination'],
    regionCode: '330100',
    level: 'city',
  },
  {
    code: '330000-MPA',
    name: '浙江省药品监督管理局',
    domains: ['drugs', 'medical_devices', 'cosmetics'],
    regionCode: '330000',
    level: 'province',
  },
  // Another county of the same city: must never receive Xihu's county-level deliveries.
  {
    code: '330102-SAMR',
    name: '杭州市上城区市场监督管理局',
    domains: [
      'market_regulation',
      'food_safety',
      'drugs',
      'medical_devices',
      'cosmetics',
      'special_equipment',
      'product_quality',
    ],
    regionCode: '330102',
    level: 'county',
  },
];

export async function insertDepartments(
  url: string,
  rows: DepartmentFixture[] = XIHU_DEPARTMENTS,
): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO department (code, name, domains, region_code, level)
       SELECT code, name, domains, "regionCode", level
         FROM jsonb_to_recordset($1::jsonb) AS x(code text, name text, domains text[], "regionCode" text, level text)
       ON CONFLICT (code) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  } finally {
    await c.end();
  }
}

export async function sql<T = Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

// Polls until `probe` returns a value (not undefined) or the time runs out.
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end)
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// Reads a JSON response body for assertions (tests look into arbitrary response shapes).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function json(res: Response): Promise<any> {
  return res.json();
}
