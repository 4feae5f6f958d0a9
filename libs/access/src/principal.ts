import { API_KEY_PERMISSIONS, ROLE_PERMISSIONS, type Permission, type Role } from './roles';
import { jurisdictionPrefix } from './jurisdiction';

// Who is calling: a person signed in with a bearer token, or a departmental system with an API key.
export type Principal =
  | {
      kind: 'user';
      id: string;
      username: string;
      role: Role;
      departmentCode: string | null;
      regionCode: string | null; // null: national (全国)
      // An administrator signed in without a second factor: may only enrol TOTP (and sign out).
      enrolOnly?: true;
    }
  | {
      kind: 'apiKey';
      id: string;
      name: string;
      departmentCode: string;
      sources: string[];
    };

export function permissionsOf(p: Principal): readonly Permission[] {
  return p.kind === 'user' ? ROLE_PERMISSIONS[p.role] : API_KEY_PERMISSIONS;
}

export function can(p: Principal, permission: Permission): boolean {
  return permissionsOf(p).includes(permission);
}

// How the audit log names the caller.
export function actorName(p: Principal): string {
  return p.kind === 'user' ? p.username : `apikey:${p.name}`;
}

export function actorRole(p: Principal): string {
  return p.kind === 'user' ? p.role : 'system';
}

// The region-code prefix a principal may see ('' = everywhere). API keys see no entities.
export function principalJurisdiction(p: Principal): string | null {
  if (p.kind === 'apiKey') return null;
  return jurisdictionPrefix(p.regionCode);
}

// Officers and API keys act for one department: they see only its deliveries and tasks.
export function ownDepartmentOnly(p: Principal): string | null {
  if (p.kind === 'apiKey') return p.departmentCode;
  return p.role === 'department_officer' ? p.departmentCode : null;
}
