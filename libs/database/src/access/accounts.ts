import {
  hashPassword,
  newApiKey,
  newApiKeySchema,
  newUserSchema,
  secretHint,
  type NewApiKey,
  type NewUser,
} from '@lianjian/access';
import { ConflictError, formatZodIssues, InvalidInputError } from '@lianjian/common';
import type { AccessRepository, ApiKeyRow, UserRow } from '../repositories/access.repository';
import type { AuditRepository } from '../audit/audit.repository';

// Creates a user (admin API and `npm run user:create`): checked, password hashed, audited. The
// password is never stored, logged or audited.
export async function createUserAccount(
  repo: AccessRepository,
  audit: AuditRepository,
  input: unknown,
  createdBy: { actor: string; role: string; source: string },
): Promise<UserRow> {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success)
    throw new InvalidInputError('invalid user', formatZodIssues(parsed.error, { root: 'body' }));
  const u: NewUser = parsed.data;
  if (u.departmentCode && !(await repo.departmentExists(u.departmentCode)))
    throw new InvalidInputError('invalid user', [`departmentCode: no department ${u.departmentCode}`]);
  if (await repo.usernameTaken(u.username)) throw new ConflictError(`user name ${u.username} is taken`);
  const row = await repo.createUser({
    username: u.username,
    displayName: u.displayName,
    passwordHash: await hashPassword(u.password),
    role: u.role,
    departmentCode: u.departmentCode,
    regionCode: u.regionCode,
    createdBy: createdBy.actor,
  });
  await audit.append({
    ...createdBy,
    action: 'user.create',
    target: `user:${row.id}`,
    result: 'ok',
    detail: {
      username: row.username,
      role: row.role,
      department: row.departmentCode,
      region: row.regionCode,
    },
  });
  return row;
}

// Creates a departmental system's API key. The key is returned once, here; only its hash is kept.
export async function createApiKeyAccount(
  repo: AccessRepository,
  audit: AuditRepository,
  input: unknown,
  createdBy: { actor: string; role: string; source: string },
): Promise<{ key: string; row: ApiKeyRow }> {
  const parsed = newApiKeySchema.safeParse(input);
  if (!parsed.success)
    throw new InvalidInputError('invalid API key', formatZodIssues(parsed.error, { root: 'body' }));
  const k: NewApiKey = parsed.data;
  if (!k.departmentCode)
    throw new InvalidInputError('invalid API key', [
      'departmentCode: say which department the system belongs to',
    ]);
  if (!(await repo.departmentExists(k.departmentCode)))
    throw new InvalidInputError('invalid API key', [`departmentCode: no department ${k.departmentCode}`]);
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
