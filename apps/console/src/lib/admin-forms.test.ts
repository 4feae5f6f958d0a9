import { describe, expect, it } from 'vitest';
import {
  adminTabs,
  apiKeyFormToBody,
  grantableRoles,
  inJurisdiction,
  isAdministrator,
  regionPrefix,
  totpActions,
  userActions,
  userFormToBody,
} from './admin-forms';

describe('administration tabs by role (三员分立)', () => {
  it('gives the security administrator users, pending requests and API keys, the system administrator webhooks, others nothing', () => {
    expect(adminTabs(['departments:read', 'sources:read', 'users:manage'])).toEqual([
      'users',
      'requests',
      'apiKeys',
    ]);
    expect(adminTabs(['rules:read', 'departments:manage', 'scoring:manage'])).toEqual(['webhooks']);
    expect(adminTabs(['audit:read', 'rules:read'])).toEqual([]);
  });

  it('grants roles at or below the manager’s own', () => {
    expect(grantableRoles('security_admin')).toContain('auditor');
    expect(grantableRoles('security_admin')).toHaveLength(6);
    expect(grantableRoles('coordinator')).toEqual(['supervision_staff', 'coordinator', 'department_officer']);
    expect(grantableRoles(undefined)).toEqual([]);
    expect(isAdministrator('auditor')).toBe(true);
    expect(isAdministrator('coordinator')).toBe(false);
  });
});

describe('what a security administrator may do to a user', () => {
  const me = { username: 'zhao.min', role: 'security_admin', regionCode: '330100' };
  const user = (
    o: Partial<{ username: string; role: string; regionCode: string | null; disabledAt: string | null }>,
  ) => ({
    username: 'li.na',
    role: 'coordinator',
    regionCode: '330106',
    disabledAt: null,
    ...o,
  });

  it('disables an active user and enables a disabled one of the jurisdiction', () => {
    expect(userActions(me, user({}))).toEqual({ disable: true, enable: false, asRequest: false });
    expect(userActions(me, user({ disabledAt: '2026-03-01T00:00:00Z' }))).toEqual({
      disable: false,
      enable: true,
      asRequest: false,
    });
  });

  it('asks for a second security administrator when the user is one of the three administrators', () => {
    expect(userActions(me, user({ role: 'auditor' })).asRequest).toBe(true);
  });

  it('offers nothing on their own account, outside the jurisdiction, or on a national user', () => {
    const none = { disable: false, enable: false, asRequest: false };
    expect(userActions(me, user({ username: 'zhao.min', role: 'security_admin' }))).toEqual(none);
    expect(userActions(me, user({ regionCode: '330200' }))).toEqual(none);
    expect(userActions(me, user({ regionCode: null }))).toEqual(none);
    // a national manager manages everyone
    expect(userActions({ ...me, regionCode: null }, user({ regionCode: null })).disable).toBe(true);
  });

  it('issues an enrolment code to an active user and resets anyone’s second factor, an administrator’s as a request', () => {
    expect(totpActions(me, user({}))).toEqual({ issueCode: true, reset: true, asRequest: false });
    expect(totpActions(me, user({ role: 'admin' }))).toEqual({
      issueCode: true,
      reset: true,
      asRequest: true,
    });
    // A disabled user cannot sign in to use a code; a lost authenticator is reset all the same.
    expect(totpActions(me, user({ disabledAt: '2026-03-01T00:00:00Z' }))).toEqual({
      issueCode: false,
      reset: true,
      asRequest: false,
    });
    const none = { issueCode: false, reset: false, asRequest: false };
    expect(totpActions(me, user({ username: 'zhao.min', role: 'security_admin' }))).toEqual(none);
    expect(totpActions(me, user({ regionCode: '330200' }))).toEqual(none);
    expect(totpActions({ ...me, role: 'coordinator' }, user({ role: 'auditor' }))).toEqual(none);
    expect(totpActions({}, user({}))).toEqual(none);
  });

  it('reads jurisdictions as the API does: a county code is not a prefix of its trailing zeros', () => {
    expect(regionPrefix('330000')).toBe('33');
    expect(regionPrefix('330100')).toBe('3301');
    expect(regionPrefix('330110')).toBe('330110');
    expect(regionPrefix(null)).toBe('');
    const depts = [{ regionCode: '330110' }, { regionCode: '330111' }, { regionCode: null }];
    expect(inJurisdiction(depts, '330110')).toEqual([{ regionCode: '330110' }]);
    expect(inJurisdiction(depts, null)).toHaveLength(3);
  });
});

describe('forms as the API’s bodies', () => {
  it('trims a user form and leaves out empty optional fields, the password as typed', () => {
    expect(
      userFormToBody({
        username: ' wang.fang ',
        password: ' A long passphrase 2026 ',
        role: 'department_officer',
        displayName: '  ',
        departmentCode: '330106-SAMR',
        regionCode: '330106',
      }),
    ).toEqual({
      username: 'wang.fang',
      password: ' A long passphrase 2026 ',
      role: 'department_officer',
      departmentCode: '330106-SAMR',
      regionCode: '330106',
    });
    // nothing filled: the API answers what is missing
    expect(userFormToBody({})).toEqual({ password: '' });
  });

  it('scopes an API key to the distinct sources picked', () => {
    expect(
      apiKeyFormToBody({
        name: ' 西湖市监 ',
        departmentCode: '330106-SAMR',
        sources: ['samr-xihu', 'samr-xihu', ' '],
      }),
    ).toEqual({
      name: '西湖市监',
      departmentCode: '330106-SAMR',
      sources: ['samr-xihu'],
    });
    expect(apiKeyFormToBody({})).toEqual({ sources: [] });
  });
});
