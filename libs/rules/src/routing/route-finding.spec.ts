import fs from 'node:fs';
import path from 'node:path';
import type { Severity } from '@lianjian/domain';
import { regionName } from '@lianjian/reference';
import { findingsWithoutRoute, industryDomainsFor, jurisdictionChain, routeFinding } from './route-finding';
import type { RoutingDepartment } from './route-finding';
import { RoutingMatrixError, validateRoutingMatrix } from './routing-matrix.schema';

const ORGS: Record<string, { name: string; domains: string[] }> = {
  SAMR: {
    name: '市场监管局',
    domains: [
      'market_regulation',
      'food_safety',
      'drugs',
      'medical_devices',
      'cosmetics',
      'special_equipment',
      'product_quality',
    ],
  },
  TAX: { name: '税务局', domains: ['tax'] },
  EEB: { name: '生态环境局', domains: ['environment'] },
  EMA: { name: '应急管理局', domains: ['work_safety'] },
  HRSS: { name: '人力资源和社会保障局', domains: ['labour'] },
  HEALTH: { name: '卫生健康委员会', domains: ['public_health'] },
  COURT: { name: '中级人民法院', domains: ['court_enforcement'] },
  MPA: { name: '药品监督管理局', domains: ['drugs', 'medical_devices', 'cosmetics'] },
  EDU: { name: '教育局', domains: ['education'] },
};

// Departments as they are configured: `${regionCode}-${ORG}`, named after their region.
function dept(regionCode: string, org: string): RoutingDepartment {
  return {
    code: `${regionCode}-${org}`,
    name: `${regionName(regionCode) ?? regionCode}${ORGS[org].name}`,
    domains: ORGS[org].domains,
    regionCode,
  };
}

const XIHU = '330106'; // 杭州市西湖区
const BINJIANG = '330108'; // 杭州市滨江区
const HANGZHOU = '330100';
const ZHEJIANG = '330000';

const departments: RoutingDepartment[] = [
  ...['SAMR', 'TAX', 'EEB', 'EMA', 'HRSS', 'HEALTH', 'EDU'].map((o) => dept(XIHU, o)),
  ...['SAMR', 'TAX', 'EEB'].map((o) => dept(BINJIANG, o)),
  ...['SAMR', 'TAX', 'COURT', 'EMA'].map((o) => dept(HANGZHOU, o)),
  ...['SAMR', 'MPA', 'TAX'].map((o) => dept(ZHEJIANG, o)),
];

const matrix = validateRoutingMatrix(
  JSON.parse(fs.readFileSync(path.join(process.cwd(), 'config/routing/joint-action-matrix.json'), 'utf8')),
);

function route(
  type: string,
  industryCode: string | null,
  regionCode: string | null = XIHU,
  severity: Severity = 'critical',
  depts = departments,
) {
  return routeFinding({
    finding: { type, severity },
    entity: { regionCode, industryCode },
    departments: depts,
    matrix,
  });
}

const codes = (deliveries: { departmentCode: string }[]) => deliveries.map((d) => d.departmentCode);

describe('routeFinding with the shipped matrix', () => {
  it('routes a catering licence revocation to county and city market regulation and tax, nobody else', () => {
    const deliveries = route('license_revoked', 'H6210');
    expect(codes(deliveries)).toEqual(['330106-SAMR', '330106-TAX', '330100-SAMR', '330100-TAX']);
    expect(deliveries[0]).toMatchObject({
      departmentCode: '330106-SAMR',
      level: 'county',
      domains: ['market_regulation', 'food_safety'],
    });
    expect(deliveries[1]).toMatchObject({ level: 'county', domains: ['tax'] });
    expect(deliveries[2]).toMatchObject({ level: 'city', domains: ['market_regulation', 'food_safety'] });
  });

  it('explains each delivery in both languages', () => {
    const [samr, tax, citySamr] = route('license_revoked', 'H62');
    expect(samr.reason.zh).toContain('西湖区市场监管局：实体所在地（西湖区）属本部门辖区');
    expect(samr.reason.zh).toContain('所属行业（H62 餐饮业）属本部门食品安全监管领域');
    expect(samr.reason.zh).toContain('《关于对食品药品生产经营严重失信者开展联合惩戒的合作备忘录》');
    expect(samr.reason.en).toContain('its industry (H62 Catering');
    expect(samr.reason.en).toContain('Seriously Dishonest Food and Drug Producers');
    expect(tax.reason.zh).toContain('本类发现（license_revoked）须由税务部门联动处置');
    expect(tax.reason.zh).toContain('《失信企业协同监管和联合惩戒合作备忘录》');
    expect(tax.reason.zh).not.toContain('食品药品');
    expect(citySamr.reason.zh).toContain('实体所在地（西湖区）在本部门辖区（杭州市）内');
  });

  it('excludes other counties and levels the row does not list', () => {
    const deliveries = route('license_revoked', 'H62');
    expect(codes(deliveries).some((c) => c.startsWith(BINJIANG))).toBe(false);
    expect(codes(deliveries).some((c) => c.startsWith(ZHEJIANG))).toBe(false);
    expect(codes(route('license_revoked', 'H62', BINJIANG))).toEqual([
      '330108-SAMR',
      '330108-TAX',
      '330100-SAMR',
      '330100-TAX',
    ]);
  });

  it('takes acting domains from the industry by longest prefix', () => {
    expect(industryDomainsFor('F5251', matrix)?.domains).toEqual(['drugs']);
    expect(industryDomainsFor('F5299', matrix)?.domains).toEqual(['product_quality']);
    expect(industryDomainsFor('h6210', matrix)?.industry).toBe('H62');
    expect(industryDomainsFor('I65', matrix)).toBeUndefined();
    expect(industryDomainsFor(null, matrix)).toBeUndefined();
    // Mining: work safety and environment act on a serious violation, with market regulation, tax and labour.
    const mining = route('serious_violation_listed', 'B0610');
    expect(codes(mining)).toEqual([
      '330106-EEB',
      '330106-EMA',
      '330106-HRSS',
      '330106-SAMR',
      '330106-TAX',
      '330100-EMA',
      '330100-SAMR',
      '330100-TAX',
    ]);
    expect(mining.find((d) => d.departmentCode === '330106-EMA')?.reason.zh).toContain(
      '《关于对安全生产领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录》',
    );
    // Education: the education bureau acts on a school's licence revocation.
    expect(codes(route('license_revoked', 'P8310'))).toContain('330106-EDU');
  });

  it("reaches the provincial drug administration for a drug manufacturer, through the industry's own level", () => {
    const deliveries = route('license_revoked', 'C2710');
    const mpa = deliveries.find((d) => d.departmentCode === '330000-MPA');
    expect(mpa).toMatchObject({ level: 'province', domains: ['drugs'] });
    expect(mpa?.reason.zh).toContain('该行业的药品监管由省级部门负责');
    // The provincial SAMR also covers drugs; it is reached for drugs only, not for market regulation.
    expect(deliveries.find((d) => d.departmentCode === '330000-SAMR')?.domains).toEqual(['drugs']);
    expect(codes(deliveries)).not.toContain('330000-TAX');
  });

  it('routes an unknown finding by the defaults: industry domains and market regulation, county, more when critical', () => {
    expect(codes(route('something_new', 'H61', XIHU, 'medium'))).toEqual(['330106-HEALTH', '330106-SAMR']);
    const critical = route('something_new', 'H61', XIHU, 'critical');
    expect(codes(critical)).toEqual(['330106-HEALTH', '330106-SAMR', '330100-SAMR']);
    expect(critical[0].reason.zh).toContain('依据默认联动规则');
  });

  it('routes nothing for an entity without a valid region code', () => {
    expect(route('license_revoked', 'H62', null)).toEqual([]);
    expect(route('license_revoked', 'H62', '')).toEqual([]);
    expect(route('license_revoked', 'H62', '3301')).toEqual([]);
  });

  it('gives one delivery per department, in level then code order', () => {
    const shuffled = [...departments].reverse();
    const withDuplicate = [dept(XIHU, 'SAMR'), ...shuffled, dept(XIHU, 'SAMR')];
    const deliveries = route('license_revoked', 'H62', XIHU, 'critical', withDuplicate);
    expect(codes(deliveries)).toEqual(['330106-SAMR', '330106-TAX', '330100-SAMR', '330100-TAX']);
  });

  it('lets the municipality act at city level for its districts', () => {
    const beijing = [dept('110105', 'SAMR'), dept('110000', 'SAMR'), dept('110000', 'TAX')];
    const deliveries = route('license_revoked', 'H62', '110105', 'critical', beijing);
    expect(codes(deliveries)).toEqual(['110105-SAMR', '110000-SAMR', '110000-TAX']);
    expect(deliveries[1].level).toBe('province');
    expect(deliveries[1].reason.zh).toContain('当地无市级建制');
  });

  it('routes court defaulter, tax violator and new-abnormal findings to their fixed domains', () => {
    expect(codes(route('court_defaulter_listed', 'I6510'))).toEqual([
      '330106-SAMR',
      '330106-TAX',
      '330100-SAMR',
      '330100-TAX',
    ]);
    expect(codes(route('newly_established_abnormal', 'H62', XIHU, 'medium'))).toEqual([
      '330106-SAMR',
      '330106-TAX',
    ]);
    const [samr] = route('newly_established_abnormal', 'H62', XIHU, 'medium');
    expect(samr.domains).toEqual(['market_regulation']); // industry domains do not act on this one
  });
});

describe('jurisdictionChain', () => {
  it('lists the county, city and province with the levels each serves', () => {
    expect(jurisdictionChain('330106')).toEqual([
      { code: '330106', level: 'county', serves: ['county'] },
      { code: '330100', level: 'city', serves: ['city'] },
      { code: '330000', level: 'province', serves: ['province'] },
    ]);
    expect(jurisdictionChain('441900')).toEqual([
      { code: '441900', level: 'city', serves: ['county', 'city'] },
      { code: '440000', level: 'province', serves: ['province'] },
    ]);
    expect(jurisdictionChain('bad')).toEqual([]);
  });
});

describe('validateRoutingMatrix', () => {
  const base = () =>
    JSON.parse(fs.readFileSync(path.join(process.cwd(), 'config/routing/joint-action-matrix.json'), 'utf8'));

  it('accepts the shipped matrix', () => {
    expect(matrix.findings.length).toBeGreaterThanOrEqual(8);
  });

  it('names the path of an unknown domain', () => {
    const json = base();
    json.findings[0].actingDomains.fixed = ['market_regulation', 'taxes'];
    expect(() => validateRoutingMatrix(json)).toThrow(RoutingMatrixError);
    expect(() => validateRoutingMatrix(json)).toThrow(
      /findings\[0\]\.actingDomains\.fixed\[1\]: unknown domain "taxes"/,
    );
    const json2 = base();
    json2.industryDomains[0].domains = ['mining'];
    expect(() => validateRoutingMatrix(json2)).toThrow(
      /industryDomains\[0\]\.domains\[0\]: unknown domain "mining"/,
    );
  });

  it('names the path of a bad level', () => {
    const json = base();
    json.findings[2].levels = ['county', 'district'];
    expect(() => validateRoutingMatrix(json)).toThrow(/findings\[2\]\.levels\[1\]: bad level "district"/);
    const json2 = base();
    json2.defaults.levels = [];
    expect(() => validateRoutingMatrix(json2)).toThrow(/defaults\.levels: lists no jurisdiction level/);
  });

  it('refuses duplicate rows, empty acting domains and malformed industry codes', () => {
    const json = base();
    json.findings.push({ ...json.findings[0] });
    json.industryDomains.push({ industry: 'H62', domains: ['public_health'] });
    json.industryDomains.push({ industry: 'h63', domains: ['public_health'] });
    json.findings[1].actingDomains = { industry: false };
    let error: RoutingMatrixError | undefined;
    try {
      validateRoutingMatrix(json);
    } catch (e) {
      error = e as RoutingMatrixError;
    }
    expect(error?.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^findings\[\d+\]\.finding: finding 'license_revoked' already routed in findings\[0\]/,
        ),
        expect.stringMatching(/^industryDomains\[\d+\]\.industry: industry 'H62' already mapped/),
        expect.stringMatching(/^industryDomains\[\d+\]\.industry: industry must be a GB\/T 4754 code/),
        expect.stringMatching(/^findings\[1\]\.actingDomains: acting domains are empty/),
      ]),
    );
  });
});

describe('findingsWithoutRoute', () => {
  it('lists finding types that have no matrix row', () => {
    expect(
      findingsWithoutRoute(
        [{ finding: { type: 'license_revoked' } }, { finding: { type: 'made_up' } }],
        matrix,
      ),
    ).toEqual(['made_up']);
  });
});
