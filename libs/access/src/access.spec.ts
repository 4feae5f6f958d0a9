import fs from 'node:fs';
import path from 'node:path';
import {
  ADMIN_DUTIES,
  ADMIN_ROLES,
  API_KEY_PERMISSIONS,
  DUMMY_PASSWORD_HASH,
  isAdminRole,
  manageProblem,
  NATIONAL,
  newUserSchema,
  ROLES,
  ROLE_LABELS,
  ROLE_PERMISSIONS,
  hashPassword,
  inJurisdiction,
  jurisdictionPrefix,
  maskPhone,
  narrowRegion,
  newAccessToken,
  passwordProblems,
  secretHash,
  verifyPassword,
} from './index';

describe('passwords (scrypt)', () => {
  it('verifies the right password and refuses a wrong one, with a fresh salt each time', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('anything', DUMMY_PASSWORD_HASH)).toBe(false);
    expect(await verifyPassword('anything', 'md5$abc')).toBe(false);
  });

  it('asks for 12 characters at least', () => {
    expect(passwordProblems('Short1!')).toHaveLength(1);
    expect(passwordProblems('A long enough passphrase')).toEqual([]);
  });

  // 等保2.0: complexity — three of upper, lower, digit, symbol — and not the user name.
  it('asks for three of four character classes and refuses a password containing the user name', () => {
    const problems = (p: string, u?: string) => passwordProblems(p, u).join('; ');
    expect(problems('a long enough passphrase')).toMatch(/three of.*三类/);
    expect(problems('alllowercaseletters')).toMatch(/three of/);
    expect(problems('ALLUPPER123456')).toMatch(/three of/);
    expect(problems('ALL UPPER 12345')).toBe('');
    expect(problems('lower and 12345')).toBe(''); // lower, digit, symbol (a space counts)
    expect(problems('UPPERlower1234')).toBe('');
    expect(problems('监管平台登录口令abc1')).toBe(''); // lower, digit, other (a Chinese character)
    expect(problems('Wang.Fang 2026 pass', 'wang.fang')).toMatch(/user name.*用户名/);
    expect(problems('Another 2026 pass', 'wang.fang')).toBe('');
    expect(problems('short')).toMatch(/at least 12 characters.*12 个字符/);
  });
});

describe('jurisdiction (辖区)', () => {
  it('a province covers its cities and counties, a city its counties, a county itself', () => {
    expect(jurisdictionPrefix('330000')).toBe('33');
    expect(jurisdictionPrefix('330100')).toBe('3301');
    expect(jurisdictionPrefix('330106')).toBe('330106');
    expect(jurisdictionPrefix(null)).toBe('');
    expect(inJurisdiction('3301', '330106')).toBe(true);
    expect(inJurisdiction('330106', '330108')).toBe(false);
    expect(inJurisdiction('330106', null)).toBe(false);
    expect(inJurisdiction('', null)).toBe(true);
  });

  // Containment as the API checks it: inJurisdiction(principal's prefix, entity's region).
  it('contains a county in itself, its city and its province, not in a sibling or a narrower region', () => {
    const within = (entity: string, jurisdiction: string) =>
      inJurisdiction(jurisdictionPrefix(jurisdiction), entity);
    expect(within('330106', '330106')).toBe(true);
    expect(within('330106', '330100')).toBe(true);
    expect(within('330106', '330000')).toBe(true);
    expect(within('330106', '330102')).toBe(false);
    expect(within('330106', '330200')).toBe(false);
    expect(within('330106', '320000')).toBe(false);
    expect(within('330000', '330100')).toBe(false);
    expect(within('330100', '330106')).toBe(false);
  });

  it('fails closed on malformed codes', () => {
    expect(inJurisdiction(jurisdictionPrefix('330000'), '')).toBe(false);
    expect(inJurisdiction(jurisdictionPrefix('330000'), '32010x')).toBe(false);
    expect(() => jurisdictionPrefix('33010x')).toThrow(RangeError);
    expect(() => jurisdictionPrefix('3301')).toThrow(RangeError);
  });

  it('narrows a requested region to the jurisdiction, or refuses one outside it', () => {
    expect(narrowRegion('3301', undefined)).toBe('3301');
    expect(narrowRegion('3301', '330106')).toBe('330106');
    expect(narrowRegion('3301', '33')).toBe('3301');
    expect(narrowRegion('3301', '3302')).toBeUndefined();
    expect(narrowRegion('', '3302')).toBe('3302');
  });
});

describe('roles', () => {
  it('only security administrators manage users; only audit administrators read the audit log', () => {
    const holders = (perm: string) => ROLES.filter((r) => (ROLE_PERMISSIONS[r] as string[]).includes(perm));
    expect(holders('users:manage')).toEqual(['security_admin']);
    expect(holders('audit:read')).toEqual(['auditor']);
    expect(holders('departments:manage')).toEqual(['admin']);
    expect(holders('scoring:manage')).toEqual(['admin']);
    expect(holders('cases:manage')).toEqual(['coordinator']);
    expect(holders('personal-data:read')).toEqual(['coordinator', 'department_officer']);
    expect(API_KEY_PERMISSIONS).not.toContain('risk-list:read');
    expect(API_KEY_PERMISSIONS).not.toContain('entities:read');
  });
});

describe('三员分立: system, security and audit administrators', () => {
  it('gives no role the duties of two administrators', () => {
    for (const role of ROLES) {
      const duties = ADMIN_ROLES.filter((admin) =>
        ADMIN_DUTIES[admin].some((p) => ROLE_PERMISSIONS[role].includes(p)),
      );
      expect({ role, duties: duties.length <= 1 }).toEqual({ role, duties: true });
      if (isAdminRole(role)) expect(duties).toEqual([role]);
    }
  });

  it('lets a manager act only within their jurisdiction, at or below their role, never on themselves', () => {
    const county = { id: '1', role: 'security_admin', regionCode: '330106' } as const;
    const nation = { id: '2', role: 'security_admin', regionCode: null } as const;
    expect(manageProblem(county, { role: 'admin', regionCode: null })).toMatch(/national.*全国/);
    expect(manageProblem(county, { role: 'auditor', regionCode: '330102' })).toMatch(/outside.*辖区/);
    expect(manageProblem(county, { role: 'department_officer', regionCode: '330106' })).toBeNull();
    expect(manageProblem(county, { id: '1', role: 'security_admin', regionCode: '330106' })).toMatch(
      /your own account/,
    );
    expect(manageProblem(nation, { role: 'admin', regionCode: null })).toBeNull();
    expect(manageProblem(nation, { role: 'coordinator', regionCode: '330102' })).toBeNull();
    const staff = { id: '3', role: 'supervision_staff', regionCode: null } as const;
    expect(manageProblem(staff, { role: 'auditor', regionCode: '330106' })).toMatch(/may not manage/);
  });

  it('is the table the README shows: every role with its label, none other', () => {
    const readme = fs.readFileSync(path.join(process.cwd(), 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([a-z_]+)` (\S+) \|/gm)].map((m) => [m[1], m[2]]);
    const table = rows.filter(
      ([role]) => (ROLES as readonly string[]).includes(role) || role.endsWith('admin'),
    );
    expect(table).toEqual(ROLES.map((r) => [r, ROLE_LABELS[r].zh]));
  });

  it('requires a region for a new user: a code, or the explicit national marker', () => {
    const base = { username: 'li.ming', password: 'A long passphrase 2026', role: 'auditor' };
    expect(newUserSchema.safeParse(base).success).toBe(false);
    expect(newUserSchema.safeParse({ ...base, regionCode: NATIONAL }).success).toBe(true);
    expect(newUserSchema.safeParse({ ...base, regionCode: '330106' }).success).toBe(true);
    expect(newUserSchema.safeParse({ ...base, regionCode: '' }).success).toBe(false);
  });
});

describe('secrets and masking', () => {
  it('tokens are random and stored as a hash', () => {
    const t = newAccessToken();
    expect(t).toMatch(/^ljt_[A-Za-z0-9_-]{43}$/);
    expect(newAccessToken()).not.toBe(t);
    expect(secretHash(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(secretHash(t)).not.toContain(t);
  });

  it('masks phone numbers but keeps the first three and last four digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('0571-8888 7777')).toBe('057*****7777');
    expect(maskPhone('12345')).toBe('*****');
  });
});
