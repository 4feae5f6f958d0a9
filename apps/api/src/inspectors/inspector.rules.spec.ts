import { DomainError } from '@lianjian/common';
import type { Principal, Role } from '@lianjian/access';
import { assertActsFor, assertMaySee, domainProblems, readScope, regionProblems } from './inspector.rules';
import { decodeCsv, parseInspectorCsv } from './inspector-csv';
import iconv from 'iconv-lite';

const user = (role: Role, departmentCode: string | null, regionCode: string | null): Principal => ({
  kind: 'user',
  id: '1',
  username: 'u',
  role,
  departmentCode,
  regionCode,
});
const samr = { code: '330106-SAMR', domains: ['market_regulation', 'food_safety'], regionCode: '330106' };
const city = { code: '330100-SAMR', domains: ['food_safety'], regionCode: '330100' };

function refusal(fn: () => unknown): { code: string; message: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, message: e.message };
    throw e;
  }
}

describe('inspector directory rules (执法检查人员名录库)', () => {
  it("keeps domains to the vocabulary and the department's own, with zh and en reasons", () => {
    expect(domainProblems(samr, ['food_safety'])).toEqual([]);
    const [tax] = domainProblems(samr, ['tax']);
    expect(tax.reason.en).toMatch(/does not enforce 'tax'/);
    expect(tax.reason.zh).toMatch(/不负责执法领域/);
    expect(domainProblems(samr, ['fishing'])[0].reason.en).toMatch(/'fishing' is not a domain/);
    expect(domainProblems(samr, [])).toHaveLength(1);
  });

  it("keeps the region a known code within the department's region", () => {
    expect(regionProblems(samr, '330106')).toEqual([]);
    expect(regionProblems(city, '330106')).toEqual([]); // a city department: any of its counties
    expect(regionProblems(samr, '330100')[0].reason.en).toMatch(/outside department 330106-SAMR/);
    expect(regionProblems(samr, '339999')[0].reason.en).toMatch(/not a known/);
    expect(regionProblems(samr, 'abc')[0].reason.zh).toMatch(/6位数字/);
  });

  it("lets only the department's own officers maintain its inspectors", () => {
    expect(
      refusal(() => assertActsFor(user('department_officer', '330106-SAMR', '330106'), '330106-SAMR')),
    ).toBeUndefined();
    expect(
      refusal(() => assertActsFor(user('department_officer', '330106-TAX', '330106'), '330106-SAMR')),
    ).toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/you act for 330106-TAX/),
    });
    expect(
      refusal(() => assertActsFor(user('coordinator', '330106-SAMR', '330106'), '330106-SAMR'))?.message,
    ).toMatch(/needs inspectors:manage/);
  });

  it('shows officers their department, everyone else their jurisdiction', () => {
    expect(readScope(user('department_officer', '330106-TAX', '330106'))).toEqual({
      departmentCode: '330106-TAX',
      regionPrefix: '',
    });
    expect(readScope(user('supervision_staff', null, '330100'))).toEqual({ regionPrefix: '3301' });
    expect(
      readScope({ kind: 'apiKey', id: '1', name: 'k', departmentCode: '330106-TAX', sources: [] }),
    ).toBeNull();
    const wang = { id: '7', departmentCode: '330106-SAMR', regionCode: '330106' };
    expect(refusal(() => assertMaySee(user('supervision_staff', null, '330100'), wang))).toBeUndefined();
    expect(refusal(() => assertMaySee(user('supervision_staff', null, '330102'), wang))?.code).toBe(
      'forbidden',
    );
    expect(
      refusal(() => assertMaySee(user('department_officer', '330106-TAX', '330106'), wang))?.message,
    ).toMatch(/another department/);
  });

  it('reads UTF-8 (with or without BOM) and GBK, and refuses what is neither', () => {
    expect(decodeCsv(Buffer.from('\uFEFF王'))).toBe('王');
    expect(decodeCsv(Buffer.from('王'))).toBe('王');
    expect(decodeCsv(iconv.encode('王建国、食品', 'gbk'))).toBe('王建国、食品');
    expect(refusal(() => decodeCsv(Buffer.from([0xff, 0xfe, 0x00, 0x81])))).toMatchObject({
      code: 'invalid_body',
    });
  });

  it('parses rows, splitting domains on ; and 、, and lists every problem of every row', () => {
    const departments = new Map([[samr.code, samr]]);
    const { rows, problems } = parseInspectorCsv(
      [
        'certificate_no,name,department_code,domains,region_code',
        'C-0001,李明,330106-SAMR,food_safety；market_regulation,330106',
        'C-0002,赵丽,330106-SAMR,food_safety、market_regulation;food_safety,330106',
        'C-0003,,330106-SAMR,,330106,extra',
      ].join('\n'),
      { departments, actsFor: samr.code },
    );
    expect(rows.map((r) => [r.row, r.domains, r.active, r.phone])).toEqual([
      [2, ['food_safety', 'market_regulation'], true, null],
      [3, ['food_safety', 'market_regulation'], true, null],
    ]);
    expect(problems).toEqual([
      { row: 4, column: '(row)', reason: expect.objectContaining({ en: expect.any(String) }) },
    ]);
  });
});
