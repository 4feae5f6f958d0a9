import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  AccessRepository,
  AuditRepository,
  createApiKeyAccount,
  createUserAccount,
  DepartmentRepository,
} from '@lianjian/database';
import type { generateDepartments } from '@lianjian/seed';

// Credentials for the demo and the benchmarks, created as an operator would with npm run user:create
// and apikey:create: an administrator who signs in through the API, and one API key per sending
// source (departmental systems send with keys, not as people).
const BY = { actor: 'system:demo', role: 'system', source: 'cli' };

export async function createAdmin(
  ds: DataSource,
  username: string,
): Promise<{ username: string; password: string }> {
  // Random, with the four character classes the password rules ask for (three of them) always present.
  const password = `${randomBytes(12).toString('base64url')}-Lj1`;
  await createUserAccount(
    new AccessRepository(ds),
    new AuditRepository(ds),
    { username, password, role: 'admin' },
    BY,
  );
  return { username, password };
}

export async function signIn(
  base: string,
  username: string,
  password: string,
): Promise<Record<string, string>> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200)
    throw new Error(`sign-in as ${username} answered ${res.status}: ${await res.text()}`);
  const { accessToken } = (await res.json()) as { accessToken: string };
  return { authorization: `Bearer ${accessToken}` };
}

// One key per source, for the department its records name (the first one).
export async function createSourceKeys(
  ds: DataSource,
  records: readonly { source: string; record: { departmentCode?: unknown } }[],
): Promise<Map<string, Record<string, string>>> {
  const departmentOf = new Map<string, string>();
  for (const { source, record } of records)
    if (!departmentOf.has(source) && typeof record.departmentCode === 'string')
      departmentOf.set(source, record.departmentCode);
  const keys = new Map<string, Record<string, string>>();
  for (const [source, departmentCode] of departmentOf) {
    const { key } = await createApiKeyAccount(
      new AccessRepository(ds),
      new AuditRepository(ds),
      { departmentCode, sources: [source] },
      BY,
    );
    keys.set(source, { 'x-api-key': key });
  }
  return keys;
}

// The province's departments (generateDepartments), stored as seeding would: the receivers of alerts
// and the owners of sources.
export async function storeDepartments(
  ds: DataSource,
  departments: ReturnType<typeof generateDepartments>,
): Promise<void> {
  await new DepartmentRepository(ds).upsertMany(departments.map((d) => ({ ...d, nameEn: d.nameEn })));
}
