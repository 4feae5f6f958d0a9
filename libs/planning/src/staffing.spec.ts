import type { Domain } from '@lianjian/domain';
import { staff, type Inspector, type StaffingTask } from './staffing';

const SEED = 'c3'.repeat(32);

function inspectors(): Inspector[] {
  const out: Inspector[] = [];
  // SAMR of the city 330100: food and market regulation; 3 in county 330106, 3 city-wide
  for (let i = 1; i <= 3; i++)
    out.push({
      id: `s-county-${i}`,
      departmentCode: 'SAMR-330106',
      domains: ['food_safety', 'market_regulation'],
      regionCode: '330106',
      active: true,
    });
  for (let i = 1; i <= 3; i++)
    out.push({
      id: `s-city-${i}`,
      departmentCode: 'SAMR-330106',
      domains: ['food_safety'],
      regionCode: '330100',
      active: true,
    });
  out.push({
    id: 's-inactive',
    departmentCode: 'SAMR-330106',
    domains: ['food_safety'],
    regionCode: '330106',
    active: false,
  });
  // tax: two in county 330106
  out.push({ id: 't-1', departmentCode: 'TAX-330106', domains: ['tax'], regionCode: '330106', active: true });
  out.push({ id: 't-2', departmentCode: 'TAX-330106', domains: ['tax'], regionCode: '330106', active: true });
  return out;
}

const task = (
  taskNo: number,
  depts: Record<string, Domain[]>,
  region = '330106',
  avoid?: Record<string, 'declared_conflict' | 'related_party_conflict' | 'inspected_recently'>,
): StaffingTask => ({
  taskNo,
  entityRegionCode: region,
  departments: new Map(Object.entries(depts)),
  avoid: avoid ? new Map(Object.entries(avoid)) : undefined,
});

describe('team staffing (随机选派执法检查人员, 回避)', () => {
  it('gives each task two qualified inspectors of its department, deterministically', () => {
    const tasks = Array.from({ length: 30 }, (_, i) => task(i + 1, { 'SAMR-330106': ['food_safety'] }));
    const a = staff({ planId: 'p', seedHex: SEED, tasks, inspectors: inspectors() });
    expect(a).toEqual(staff({ planId: 'p', seedHex: SEED, tasks, inspectors: inspectors() }));
    for (const t of a) {
      expect(t.unassignable).toBeUndefined();
      expect(new Set(t.inspectorIds).size).toBe(2);
      for (const id of t.inspectorIds) expect(id).toMatch(/^s-(county|city)-/); // never the inactive one
    }
    // the work is spread: 60 slots over 6 inspectors, each within its fair share + 1
    const load = new Map<string, number>();
    for (const t of a) for (const id of t.inspectorIds) load.set(id, (load.get(id) ?? 0) + 1);
    expect(load.size).toBe(6);
    for (const n of load.values()) expect(n).toBeLessThanOrEqual(11);
  });

  it('covers every domain and the entity region: a city-wide food inspector cannot take market regulation', () => {
    const [t] = staff({
      planId: 'p',
      seedHex: SEED,
      tasks: [task(1, { 'SAMR-330106': ['food_safety', 'market_regulation'] })],
      inspectors: inspectors(),
    });
    expect(t.inspectorIds.every((id) => id.startsWith('s-county-'))).toBe(true);
    // an entity in another county of the city: only the city-wide inspectors cover it
    const [u] = staff({
      planId: 'p',
      seedHex: SEED,
      tasks: [task(2, { 'SAMR-330106': ['food_safety'] }, '330102')],
      inspectors: inspectors(),
    });
    expect(u.inspectorIds.every((id) => id.startsWith('s-city-'))).toBe(true);
  });

  it('never staffs an avoided inspector, and says why a task cannot be staffed', () => {
    const avoidAll: Record<string, 'declared_conflict'> = {};
    for (const i of inspectors()) if (i.id !== 's-county-1') avoidAll[i.id] = 'declared_conflict';
    const res = staff({
      planId: 'p',
      seedHex: SEED,
      tasks: [
        task(1, { 'SAMR-330106': ['food_safety'] }, '330106', {
          's-county-1': 'declared_conflict',
          's-city-2': 'related_party_conflict',
        }),
        task(2, { 'SAMR-330106': ['food_safety'] }, '330106', avoidAll),
        task(3, { 'TAX-330106': ['tax'] }, '330106', {
          't-1': 'inspected_recently',
          't-2': 'declared_conflict',
        }),
        task(4, { 'EEB-330106': ['environment'] }),
      ],
      inspectors: inspectors(),
    });
    expect(res[0].inspectorIds).not.toContain('s-county-1');
    expect(res[0].inspectorIds).not.toContain('s-city-2');
    expect(res[0].inspectorIds).toHaveLength(2);
    expect(res[0].avoided).toBe(2);
    expect(res[1]).toMatchObject({
      inspectorIds: [],
      unassignable: { code: 'too_few', needed: 2, eligible: 1 },
    });
    expect(res[2]).toMatchObject({
      inspectorIds: [],
      unassignable: { code: 'all_avoided', departmentCode: 'TAX-330106' },
    });
    expect(res[3]).toMatchObject({
      inspectorIds: [],
      unassignable: {
        code: 'no_inspector',
        departmentCode: 'EEB-330106',
        regionCode: '330106',
        domains: ['environment'],
      },
    });
  });

  it('gives a joint task one inspector of every department (进一次门、查多项事)', () => {
    const tasks = Array.from({ length: 10 }, (_, i) =>
      task(i + 1, { 'SAMR-330106': ['food_safety'], 'TAX-330106': ['tax'] }),
    );
    for (const t of staff({ planId: 'p', seedHex: SEED, tasks, inspectors: inspectors() })) {
      expect(t.inspectorIds).toHaveLength(2);
      expect(t.inspectorIds.some((id) => id.startsWith('s-'))).toBe(true);
      expect(t.inspectorIds.some((id) => id.startsWith('t-'))).toBe(true);
    }
  });
});
