import {
  ENROLMENT_CODE_TTL_HOURS,
  enrolmentCodeHash,
  hashPassword,
  manageProblem,
  NATIONAL,
  newApiKey,
  newApiKeySchema,
  newEnrolmentCode,
  newUserSchema,
  regionOutside,
  secretHint,
  type AccountHolder,
  type NewApiKey,
  type Role,
} from '@lianjian/access';
import { ConflictError, ForbiddenError, formatZodIssues, InvalidInputError } from '@lianjian/common';
import type { EntityManager } from 'typeorm';
import type { AccessRepository, ApiKeyRow, UserRow } from '../repositories/access.repository';
import type { AuditRepository } from '../audit/audit.repository';

export interface CreatedBy {
  actor: string;
  role: string;
  source: string;
}

// A new user, checked: regionCode null is national (given explicitly as "national").
export interface CheckedUser {
  username: string;
  password: string;
  displayName: string | null;
  role: Role;
  departmentCode: string | null;
  regionCode: string | null;
}

// Checks a new user (admin API and `npm run user:create`). With a manager (the security
// administrator calling the API), the user must be within the manager's jurisdiction and at or below
// their role, and so must the user's department; the CLI (the operator on the database) has none.
export async function checkNewUser(
  repo: AccessRepository,
  input: unknown,
  manager?: AccountHolder,
): Promise<CheckedUser> {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success)
    throw new InvalidInputError('invalid user', formatZodIssues(parsed.error, { root: 'body' }));
  const u = parsed.data;
  const user: CheckedUser = {
    username: u.username,
    password: u.password,
    displayName: u.displayName ?? null,
    role: u.role,
    departmentCode: u.departmentCode ?? null,
    regionCode: u.regionCode === NATIONAL ? null : u.regionCode,
  };
  if (manager) {
    const problem = manageProblem(manager, { role: user.role, regionCode: user.regionCode });
    if (problem) throw new ForbiddenError(problem);
  }
  if (user.departmentCode) {
    const region = await repo.departmentRegion(user.departmentCode);
    if (region === undefined)
      throw new InvalidInputError('invalid user', [`departmentCode: no department ${user.departmentCode}`]);
    const outside = manager && regionOutside(manager, region);
    if (outside) throw new ForbiddenError(`department ${user.departmentCode}: ${outside}`);
  }
  if (await repo.usernameTaken(user.username)) throw new ConflictError(`user name ${user.username} is taken`);
  return user;
}

// Stores a checked user (its password hash given) with its audit entry, in the transaction em when
// given (a confirmed request).
export async function storeUser(
  repo: AccessRepository,
  audit: AuditRepository,
  user: Omit<CheckedUser, 'password'> & { passwordHash: string },
  createdBy: CreatedBy,
  detail: Record<string, unknown> = {},
  em?: EntityManager,
): Promise<UserRow> {
  const row = await repo.createUser({ ...user, createdBy: createdBy.actor }, em);
  await audit.append(
    {
      ...createdBy,
      action: 'user.create',
      target: `user:${row.id}`,
      result: 'ok',
      detail: {
        username: row.username,
        role: row.role,
        department: row.departmentCode,
        region: row.regionCode ?? NATIONAL,
        ...detail,
      },
    },
    em,
  );
  return row;
}

// Creates a user directly: `npm run user:create` (the operator's way to make the first
// administrators of a fresh install), the demo, and the API for roles below the administrators.
// Checked, password hashed, audited; the password is never stored, logged or audited.
export async function createUserAccount(
  repo: AccessRepository,
  audit: AuditRepository,
  input: unknown,
  createdBy: CreatedBy,
  manager?: AccountHolder,
): Promise<UserRow> {
  const { password, ...user } = await checkNewUser(repo, input, manager);
  return storeUser(repo, audit, { ...user, passwordHash: await hashPassword(password) }, createdBy);
}

// A one-time TOTP enrolment code (一次性绑定码) for a user, the only way an administrator enrols a
// second factor: returned once, here; only its hash is kept. Audited (without the code).
export async function issueEnrolmentCode(
  repo: AccessRepository,
  audit: AuditRepository,
  user: Pick<UserRow, 'id' | 'username' | 'role'>,
  issuedBy: CreatedBy,
): Promise<{ code: string; expiresAt: Date }> {
  const code = newEnrolmentCode();
  const { expiresAt } = await repo.issueEnrolmentCode(
    user.id,
    enrolmentCodeHash(code),
    issuedBy.actor,
    ENROLMENT_CODE_TTL_HOURS,
  );
  await audit.append({
    ...issuedBy,
    action: 'user.totp-enrolment-code',
    target: `user:${user.id}`,
    result: 'ok',
    detail: { username: user.username, role: user.role, expiresAt },
  });
  return { code, expiresAt };
}

// Creates a departmental system's API key. The key is returned once, here; only its hash is kept.
// With a manager, the key's department must be within their jurisdiction.
export async function createApiKeyAccount(
  repo: AccessRepository,
  audit: AuditRepository,
  input: unknown,
  createdBy: CreatedBy,
  manager?: AccountHolder,
): Promise<{ key: string; row: ApiKeyRow }> {
  const parsed = newApiKeySchema.safeParse(input);
  if (!parsed.success)
    throw new InvalidInputError('invalid API key', formatZodIssues(parsed.error, { root: 'body' }));
  const k: NewApiKey = parsed.data;
  if (!k.departmentCode)
    throw new InvalidInputError('invalid API key', [
      'departmentCode: say which department the system belongs to',
    ]);
  const region = await repo.departmentRegion(k.departmentCode);
  if (region === undefined)
    throw new InvalidInputError('invalid API key', [`departmentCode: no department ${k.departmentCode}`]);
  const outside = manager && regionOutside(manager, region);
  if (outside) throw new ForbiddenError(`department ${k.departmentCode}: ${outside}`);
  const key = newApiKey();
  const row = await repo.createApiKey({
    name: k.name ?? `${k.departmentCode} ${k.sources.join(',')}`,
    key,
    keyHint: secretHint(key),
    departmentCode: k.departmentCode,
    sources: [...new Set(k.sources)],
    createdBy: createdBy.actor,
  });
  await audit.append({
    ...createdBy,
    action: 'apikey.create',
    target: `apikey:${row.id}`,
    result: 'ok',
    detail: { name: row.name, department: row.departmentCode, sources: row.sources, hint: row.keyHint },
  });
  return { key, row };
}
