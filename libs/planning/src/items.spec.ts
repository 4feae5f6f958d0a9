import { join } from 'node:path';
import { itemApplies, itemPopulationSql, loadItems, validateItem } from './items';

const CONFIG = join(process.cwd(), 'config');

describe('inspection item list (随机抽查事项清单)', () => {
  const items = loadItems(CONFIG);

  it('ships items of several departments, each with its legal basis', () => {
    expect(items.size).toBeGreaterThanOrEqual(8);
    const domains = new Set([...items.values()].map((i) => i.domain));
    expect(domains.size).toBeGreaterThanOrEqual(5);
    for (const i of items.values()) expect(i.legalBasis.zh).toMatch(/《.+》/);
  });

  it('filters the target population by industry prefix, entity type and status', () => {
    const food = items.get('SAMR-FOOD-OPERATION')!;
    expect(itemApplies(food, { industryCode: 'H6210', entityType: '个体工商户', status: 'active' })).toBe(
      true,
    );
    expect(itemApplies(food, { industryCode: 'C3011', entityType: '有限责任公司', status: 'active' })).toBe(
      false,
    );
    expect(itemApplies(food, { industryCode: 'H6210', entityType: '个体工商户', status: 'revoked' })).toBe(
      false,
    );
    const report = items.get('SAMR-ANNUAL-REPORT')!;
    expect(itemApplies(report, { industryCode: 'H6210', entityType: '个体工商户', status: 'active' })).toBe(
      false,
    );
    expect(itemApplies(report, { industryCode: 'H6210', entityType: '有限责任公司', status: null })).toBe(
      true,
    );
  });

  it('builds the same filter as SQL with numbered parameters', () => {
    const params: unknown[] = ['first'];
    const sql = itemPopulationSql(items.get('SAMR-FOOD-OPERATION')!, params);
    expect(sql).toContain('$2::text[]');
    expect(sql).toContain('LIKE ANY ($3::text[])');
    expect(params.slice(1)).toEqual([['active'], ['H62%', 'F52%', 'F51%']]);
  });

  it('refuses an item with an unknown domain or a ratio above 1', () => {
    const base = { ...items.get('TAX-INVOICE')! };
    expect(() => validateItem({ ...base, domain: 'astrology' })).toThrow(/domain must be one of/);
    expect(() => validateItem({ ...base, baseRatio: 1.5 })).toThrow(/baseRatio/);
    expect(() => validateItem({ ...base, code: 'lower' })).toThrow(/code/);
  });
});
