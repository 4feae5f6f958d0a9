import { DomainError } from '@lianjian/common';
import type { Principal, Role } from '@lianjian/access';
import {
  assertInJurisdiction,
  assertMayDecide,
  assertMayFile,
  assertMayWithdraw,
  effectiveFrom,
} from './credit-repair.policy';

const user = (
  role: Role,
  username: string,
  departmentCode: string | null,
  regionCode: string | null,
): Principal => ({
  kind: 'user',
  id: username,
  username,
  role,
  departmentCode,
  regionCode,
});
const staff = user('supervision_staff', 'li.na', '330106-SAMR', '330106');
const officer = user('department_officer', 'wang.qiang', '330106-SAMR', '330106');
const taxOfficer = user('department_officer', 'zhao.min', '330106-TAX', '330106');
const auditor = user('auditor', 'sun.li', null, null);
const apiKey: Principal = {
  kind: 'apiKey',
  id: '1',
  name: 'tax-system',
  departmentCode: '330106-TAX',
  sources: ['tax'],
};

// The error a call throws, as the API answers it.
function refusal(fn: () => unknown): { code: string; message: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, message: e.message };
    throw e;
  }
}

describe('credit repair policy (信用修复)', () => {
  it('lets staff file about a non-registration record of an entity in their jurisdiction', () => {
    expect(refusal(() => assertMayFile(staff, { kind: 'penalty', regionCode: '330106' }))).toBeUndefined();
    expect(refusal(() => assertMayFile(staff, { kind: 'penalty', regionCode: '330102' }))).toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/outside your jurisdiction 330106/),
    });
    // A refusal names nothing of the entity it refuses (its region).
    expect(
      refusal(() => assertMayFile(staff, { kind: 'penalty', regionCode: '330102' }))?.message,
    ).not.toMatch(/330102/);
    expect(refusal(() => assertMayFile(auditor, { kind: 'penalty', regionCode: '330106' }))?.code).toBe(
      'forbidden',
    );
    expect(refusal(() => assertMayFile(apiKey, { kind: 'penalty', regionCode: '330106' }))?.code).toBe(
      'forbidden',
    );
  });

  it('refuses registration records with the reason (400)', () => {
    expect(refusal(() => assertMayFile(staff, { kind: 'registration', regionCode: '330106' }))).toMatchObject(
      {
        code: 'invalid_body',
        message: expect.stringMatching(/registration records cannot be repaired/),
      },
    );
  });

  it("lets only the record's department decide, and never the filer (四眼原则)", () => {
    const repair = { id: '7', departmentCode: '330106-SAMR', filedBy: 'li.na' };
    expect(refusal(() => assertMayDecide(officer, repair))).toBeUndefined();
    expect(refusal(() => assertMayDecide(staff, repair))).toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/you filed request 7/),
    });
    expect(refusal(() => assertMayDecide(taxOfficer, repair))).toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/only that department decides it, and you act for 330106-TAX/),
    });
    expect(refusal(() => assertMayDecide(taxOfficer, repair))?.message).not.toContain('330106-SAMR');
    // National staff act for no department; coordinators may file but not decide.
    expect(refusal(() => assertMayDecide(user('supervision_staff', 'x', null, null), repair))?.code).toBe(
      'forbidden',
    );
    expect(
      refusal(() => assertMayDecide(user('coordinator', 'y', '330106-SAMR', '330106'), repair))?.message,
    ).toMatch(/needs repair:decide/);
  });

  it('lets only the filer withdraw', () => {
    const repair = { id: '7', filedBy: 'li.na' };
    expect(refusal(() => assertMayWithdraw(staff, repair))).toBeUndefined();
    expect(refusal(() => assertMayWithdraw(officer, repair))?.code).toBe('forbidden');
    expect(refusal(() => assertMayWithdraw(officer, repair))?.message).not.toContain('li.na');
  });

  it('scopes reads to the jurisdiction', () => {
    expect(
      refusal(() => assertInJurisdiction(user('supervision_staff', 'p', null, '330000'), '330106', 'x')),
    ).toBeUndefined();
    expect(refusal(() => assertInJurisdiction(staff, null, 'x'))?.code).toBe('forbidden');
  });

  it('takes effect today by default, never before the record nor after today', () => {
    expect(effectiveFrom(undefined, '2025-06-01', '2026-11-23')).toBe('2026-11-23');
    expect(effectiveFrom('2025-06-01', '2025-06-01', '2026-11-23')).toBe('2025-06-01');
    expect(refusal(() => effectiveFrom('2025-05-31', '2025-06-01', '2026-11-23'))).toMatchObject({
      code: 'invalid_body',
    });
    expect(refusal(() => effectiveFrom('2026-11-24', '2025-06-01', '2026-11-23'))).toMatchObject({
      code: 'invalid_body',
    });
  });
});
