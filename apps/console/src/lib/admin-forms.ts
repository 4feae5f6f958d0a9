import type { paths } from '../api/schema';

type UserList = paths['/api/v1/users']['get']['responses'][200]['content']['application/json'];

// 系统管理: who may do what on the administration screen (三员分立: the security administrator manages
// users and API keys, the system administrator departments' webhooks), and its forms as the API's
// bodies. The API decides every request again; this only keeps the screen honest.

export const ROLES = [
  'admin',
  'security_admin',
  'supervision_staff',
  'coordinator',
  'department_officer',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

// The API's own list (libs/access ROLES, through the OpenAPI document's user schema): a role added,
// renamed or removed there fails the console's type-check here, so the two cannot drift apart.
type ApiRole = UserList['items'][number]['role'];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const ROLES_MATCH_THE_API: Same<Role, ApiRole> = true;

// The three administrators (三员): creating, disabling or enabling one is a request another security
// administrator confirms (the API answers 202).
export const ADMIN_ROLES: readonly Role[] = ['admin', 'security_admin', 'auditor'];
const RANK: Record<Role, number> = {
  admin: 2,
  security_admin: 2,
  auditor: 2,
  supervision_staff: 1,
  coordinator: 1,
  department_officer: 1,
};

// A region code's prefix as the API reads a jurisdiction: a province 33, a city 3301, a county 330106;
// '' for national (null).
export function regionPrefix(code: string | null | undefined): string {
  if (!code) return '';
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

export const isAdministrator = (role: string): boolean => (ADMIN_ROLES as readonly string[]).includes(role);

export type AdminTab = 'users' | 'requests' | 'apiKeys' | 'webhooks';

// The tabs a caller sees: users, the requests a second security administrator confirms (待复核申请)
// and API keys with users:manage, webhooks with departments:manage.
export function adminTabs(permissions: readonly string[]): AdminTab[] {
  const tabs: AdminTab[] = [];
  if (permissions.includes('users:manage')) tabs.push('users', 'requests', 'apiKeys');
  if (permissions.includes('departments:manage')) tabs.push('webhooks');
  return tabs;
}

// The roles a manager may give: at or below their own.
export function grantableRoles(managerRole: string | undefined): Role[] {
  const rank = RANK[managerRole as Role] ?? 0;
  return ROLES.filter((r) => RANK[r] <= rank);
}

export interface Caller {
  username?: string;
  role?: string;
  regionCode?: string | null;
}
export interface Account {
  username: string;
  role: string;
  regionCode: string | null;
  disabledAt: string | null;
}

// What the caller may do to a user of the list: disable an active one, enable a disabled one; never
// to themselves, nor to a role above their own, nor outside their jurisdiction (national: anyone).
// `asRequest`: the target is an administrator, so the action is a request to confirm.
export function userActions(
  caller: Caller,
  u: Account,
): { disable: boolean; enable: boolean; asRequest: boolean } {
  if (!manages(caller, u)) return { disable: false, enable: false, asRequest: false };
  const disabled = u.disabledAt !== null;
  return { disable: !disabled, enable: disabled, asRequest: isAdministrator(u.role) };
}

// The second factor (动态口令) of a user the caller manages (as userActions: not themselves, at or
// below their role, in their jurisdiction): issue a one-time enrolment code (一次性绑定码) to an
// active user (a disabled one cannot sign in to use it), reset it (a lost authenticator). The list
// does not say who has enrolled: the API refuses a code to an enrolled user (409) and says so.
// `asRequest`: an administrator's reset is a request a second security administrator confirms.
export function totpActions(
  caller: Caller,
  u: Account,
): { issueCode: boolean; reset: boolean; asRequest: boolean } {
  if (!manages(caller, u)) return { issueCode: false, reset: false, asRequest: false };
  return { issueCode: u.disabledAt === null, reset: true, asRequest: isAdministrator(u.role) };
}

function manages(caller: Caller, u: Account): boolean {
  if (!caller.role || caller.username === u.username) return false;
  if ((RANK[u.role as Role] ?? 3) > (RANK[caller.role as Role] ?? 0)) return false;
  const prefix = regionPrefix(caller.regionCode);
  return !prefix || (u.regionCode ?? '').startsWith(prefix);
}

export interface UserForm {
  username?: string;
  password?: string;
  displayName?: string;
  role?: string;
  departmentCode?: string;
  regionCode?: string;
}

// POST /api/v1/users's body: trimmed, empty optional fields left out (the API says what is missing).
// The password is sent as typed.
export function userFormToBody(f: UserForm): Record<string, string> {
  const body: Record<string, string> = {};
  const username = f.username?.trim();
  if (username) body.username = username;
  body.password = f.password ?? '';
  if (f.role) body.role = f.role;
  const displayName = f.displayName?.trim();
  if (displayName) body.displayName = displayName;
  const dept = f.departmentCode?.trim();
  if (dept) body.departmentCode = dept;
  const region = f.regionCode?.trim();
  if (region) body.regionCode = region;
  return body;
}

export interface ApiKeyForm {
  name?: string;
  departmentCode?: string;
  sources?: string[];
}

export function apiKeyFormToBody(f: ApiKeyForm): {
  name?: string;
  departmentCode?: string;
  sources: string[];
} {
  const body: { name?: string; departmentCode?: string; sources: string[] } = {
    sources: [...new Set((f.sources ?? []).map((s) => s.trim()).filter(Boolean))],
  };
  const name = f.name?.trim();
  if (name) body.name = name;
  if (f.departmentCode) body.departmentCode = f.departmentCode;
  return body;
}

// The departments whose webhooks a caller manages: those of their jurisdiction (national: all).
export function inJurisdiction<D extends { regionCode?: string | null }>(
  departments: readonly D[],
  regionCode: string | null | undefined,
): D[] {
  const prefix = regionPrefix(regionCode);
  return prefix ? departments.filter((d) => (d.regionCode ?? '').startsWith(prefix)) : [...departments];
}
