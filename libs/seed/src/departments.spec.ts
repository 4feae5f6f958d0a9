import { DOMAINS } from '@lianjian/domain';
import { checkRegionCode, countiesOf } from '@lianjian/reference';
import { generateDepartments } from './departments';

describe('generateDepartments', () => {
  const departments = generateDepartments();
  const byCode = new Map(departments.map((d) => [d.code, d]));

  it('has unique codes, known regions and known domains', () => {
    expect(byCode.size).toBe(departments.length);
    for (const d of departments) {
      expect(checkRegionCode(d.regionCode)).toEqual({ valid: true });
      expect(d.code.startsWith(`${d.regionCode}-`)).toBe(true);
      expect(d.domains.length).toBeGreaterThan(0);
      for (const domain of d.domains) expect(DOMAINS).toContain(domain);
      expect(d.name).toMatch(/[\u4e00-\u9fff]/);
      expect(d.nameEn).toContain(d.regionCode);
    }
  });

  it('gives every county of Zhejiang its seven departments', () => {
    const counties = countiesOf('330000');
    expect(counties.length).toBe(90);
    for (const c of counties)
      for (const kind of ['SAMR', 'TAX', 'EEB', 'EMA', 'HRSS', 'HEALTH', 'EDU'])
        expect(byCode.get(`${c.code}-${kind}`)?.level).toBe('county');
  });

  it('names departments as the real ones are named', () => {
    expect(byCode.get('330106-SAMR')).toEqual({
      code: '330106-SAMR',
      name: '杭州市西湖区市场监督管理局',
      nameEn: 'Market Supervision Administration of 330106',
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
    });
    expect(byCode.get('330122-SAMR')?.name).toBe('桐庐县市场监督管理局');
    expect(byCode.get('330106-TAX')?.name).toBe('国家税务总局杭州市西湖区税务局');
    expect(byCode.get('330106-EEB')?.name).toBe('杭州市生态环境局西湖分局');
    expect(byCode.get('330100-COURT')).toMatchObject({
      name: '杭州市中级人民法院',
      domains: ['court_enforcement'],
      level: 'city',
    });
    expect(byCode.get('330100-HEALTH')?.name).toBe('杭州市卫生健康委员会');
    expect(byCode.get('330000-SAMR')?.name).toBe('浙江省市场监督管理局');
    expect(byCode.get('330000-MPA')).toMatchObject({
      name: '浙江省药品监督管理局',
      domains: ['drugs', 'medical_devices', 'cosmetics'],
    });
    expect(byCode.get('330000-HIGHCOURT')?.name).toBe('浙江省高级人民法院');
    expect(byCode.has('330106-COURT')).toBe(false);
  });

  it('works for other provinces, including municipalities and cities without counties', () => {
    const beijing = generateDepartments('110000');
    expect(beijing.find((d) => d.code === '110105-SAMR')?.name).toBe('北京市朝阳区市场监督管理局');
    const guangdong = generateDepartments('440000');
    const codes = guangdong.map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toContain('441900-SAMR'); // 东莞, a city without counties
  });

  it('rejects an unknown province', () => {
    expect(() => generateDepartments('990000')).toThrow(RangeError);
    expect(() => generateDepartments('330100')).toThrow(RangeError);
  });
});
