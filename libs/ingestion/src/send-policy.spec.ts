import { CASE_FEEDBACK_SOURCE } from '@lianjian/cases';
import {
  authorityProblems,
  departmentPatternMatches,
  INTERNAL_SOURCES,
  internalSender,
  OPERATOR_SENDER,
  senderOf,
  sourceRefusal,
  type SourceBinding,
} from './send-policy';

describe('who may send what (send-policy)', () => {
  const officer = senderOf({
    kind: 'user',
    id: '1',
    username: 'li',
    role: 'department_officer',
    departmentCode: '330106-TAX',
    regionCode: '330106',
  });

  it('reserves the sources the engine writes itself', () => {
    expect(INTERNAL_SOURCES.has(CASE_FEEDBACK_SOURCE)).toBe(true);
    expect(sourceRefusal(CASE_FEEDBACK_SOURCE, OPERATOR_SENDER, undefined)).toMatch(/内部写入/);
    expect(sourceRefusal(CASE_FEEDBACK_SOURCE, internalSender('330106-TAX'), undefined)).toBeUndefined();
    expect(sourceRefusal('samr-xihu', internalSender('330106-TAX'), '330106-SAMR')).toBeDefined();
  });

  it('lets only the owning department’s callers, and operators, send under a source', () => {
    expect(sourceRefusal('samr-xihu', officer, '330106-SAMR')).toMatch(
      /belongs to 330106-SAMR; you act for 330106-TAX/,
    );
    expect(sourceRefusal('tax-xihu', officer, '330106-TAX')).toBeUndefined();
    expect(sourceRefusal('samr-xihu', OPERATOR_SENDER, '330106-SAMR')).toBeUndefined();
    expect(sourceRefusal('new-feed', officer, undefined)).toBeUndefined();
  });

  it('matches allow-list patterns on whole codes', () => {
    expect(departmentPatternMatches('33*-SAMR', '330106-SAMR')).toBe(true);
    expect(departmentPatternMatches('33*-SAMR', '330106-TAX')).toBe(false);
    expect(departmentPatternMatches('33*', '320106-SAMR')).toBe(false);
    expect(departmentPatternMatches('330106-SAMR', '330106-SAMRX')).toBe(false);
    expect(departmentPatternMatches('3301.6-SAMR', '330106-SAMR')).toBe(false);
  });

  it('refuses a record of another department, and master data from a non-authority', () => {
    const binding: SourceBinding = {
      source: 'samr-gbk-inspections',
      departmentCode: '330000-SAMR',
      allowedDepartments: ['33*-SAMR'],
      registrationAuthority: false,
    };
    expect(authorityProblems(binding, { kind: 'penalty', departmentCode: '330106-SAMR' })).toEqual([]);
    expect(authorityProblems(binding, { kind: 'penalty', departmentCode: '330000-SAMR' })).toEqual([]);
    const [dept] = authorityProblems(binding, { kind: 'penalty', departmentCode: '330106-TAX' });
    expect(dept).toMatch(
      /^departmentCode: source samr-gbk-inspections sends for 330000-SAMR and 33\*-SAMR, not 330106-TAX/,
    );
    const [reg] = authorityProblems(binding, { kind: 'registration', departmentCode: '330106-SAMR' });
    expect(reg).toMatch(/^kind: .* not a registration authority/);
  });
});
