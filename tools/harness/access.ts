import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import type { DataSource } from 'typeorm';
import {
  AccessRepository,
  AuditRepository,
  createApiKeyAccount,
  createUserAccount,
  DepartmentRepository,
  issueEnrolmentCode,
} from '@lianjian/database';
import type { generateDepartments } from '@lianjian/seed';
import type { Role } from '@lianjian/access';

// Credentials for the demo and the benchmarks, created as an operator would with npm run user:create
// and apikey:create: a national system administrator who signs in through the API (enrolling a
// second factor, TOTP, at the first sign-in as every administrator must), and one API key per
// sending source (departmental systems send with keys, not as people).
const BY = { actor: 'system:demo', role: 'system', source: 'cli' };

export async function createAdmin(
  ds: DataSource,
  username: string,
  // One of the three administrators (三员): the system administrator by default, or the audit one.
  role: 'admin' | 'auditor' = 'admin',
  regionCode = 'national',
): Promise<{ username: string; password: string }> {
  // Random, with the four character classes the password rules ask for (three of them) always present.
  const password = `${randomBytes(12).toString('base64url')}-Lj1`;
  const access = new AccessRepository(ds);
  const audit = new AuditRepository(ds);
  const user = await createUserAccount(access, audit, { username, password, role, regionCode }, BY);
  // The one-time code the administrator enrols a second factor with at the first sign-in.
  enrolmentCodes.set(username, (await issueEnrolmentCode(access, audit, user, BY)).code);
  return { username, password };
}

// A user of another role (supervision staff, a department officer…), created the same way; roles
// below the administrators sign in without a second factor.
export async function createUser(
  ds: DataSource,
  username: string,
  account: {
    role: Exclude<Role, 'admin' | 'security_admin' | 'auditor'>;
    regionCode: string;
    departmentCode?: string;
  },
): Promise<{ username: string; password: string }> {
  const password = `${randomBytes(12).toString('base64url')}-Lj1`;
  await createUserAccount(
    new AccessRepository(ds),
    new AuditRepository(ds),
    { username, password, ...account },
    BY,
  );
  return { username, password };
}

// The enrolment codes of the administrators the harness created, by user name.
const enrolmentCodes = new Map<string, string>();

// The TOTP secrets the harness enrolled, by user name (an authenticator app, in memory).
const authenticator = new Map<string, string>();

// The TOTP secret the harness enrolled for a user (to print for signing in by hand).
export function totpSecretOf(username: string): string | undefined {
  return authenticator.get(username);
}

export async function signIn(
  base: string,
  username: string,
  password: string,
): Promise<Record<string, string>> {
  const secret = authenticator.get(username);
  const code = secret === undefined ? undefined : await generate({ secret });
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, code }),
  });
  if (res.status !== 200)
    throw new Error(`sign-in as ${username} answered ${res.status}: ${await res.text()}`);
  const { accessToken, mustEnrol } = (await res.json()) as { accessToken: string; mustEnrol?: boolean };
  const auth = { authorization: `Bearer ${accessToken}` };
  if (mustEnrol) {
    // First sign-in of an administrator: enrol, and confirm with a code, which makes this token a
    // two-factor one.
    const post = async (path: string, body?: unknown) => {
      const r = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (r.status !== 200) throw new Error(`${path} as ${username} answered ${r.status}: ${await r.text()}`);
      return (await r.json()) as { secret: string };
    };
    const { secret: enrolled } = await post('/api/v1/auth/totp/enrol', {
      enrolmentCode: enrolmentCodes.get(username),
    });
    await post('/api/v1/auth/totp/confirm', { code: await generate({ secret: enrolled }) });
    authenticator.set(username, enrolled);
  }
  return auth;
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
