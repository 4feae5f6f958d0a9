import { Client } from 'pg';
import { hashPassword, newAccessToken, newApiKey, secretHash, secretHint, type Role } from '@lianjian/access';

// Signed-in callers for tests: a user with a role (and its bearer token) or a departmental API key,
// written straight into the test database. Login itself is tested through POST /api/v1/auth/login.

export interface TestUser {
  id: string;
  username: string;
  password: string;
  role: Role;
  token: string;
  headers: Record<string, string>; // Authorization and content-type, ready for fetch
}

export interface TestApiKey {
  id: string;
  key: string;
  headers: Record<string, string>;
}

let counter = 0;
// Hashing with scrypt per test user would cost ~100 ms each; test users share one hash of this password.
const TEST_PASSWORD = 'Test password of Lianjian 13';
let testHash: Promise<string> | undefined;

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createTestUser(
  url: string,
  opts: { role: Role; departmentCode?: string | null; regionCode?: string | null; username?: string },
): Promise<TestUser> {
  testHash ??= hashPassword(TEST_PASSWORD);
  const username = opts.username ?? `${opts.role.replace(/_/g, '-')}-${process.pid}-${++counter}`;
  const token = newAccessToken();
  return withClient(url, async (c) => {
    const {
      rows: [{ id }],
    } = await c.query<{ id: string }>(
      `INSERT INTO app_user (username, password_hash, role, department_code, region_code, created_by)
       VALUES ($1, $2, $3, $4, $5, 'test') RETURNING id::text`,
      [username, await testHash, opts.role, opts.departmentCode ?? null, opts.regionCode ?? null],
    );
    await c.query(
      `INSERT INTO access_token (token_hash, user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')`,
      [secretHash(token), id],
    );
    return {
      id,
      username,
      password: TEST_PASSWORD,
      role: opts.role,
      token,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    };
  });
}

// A national administrator: what most feature tests sign in as.
export function createTestAdmin(url: string): Promise<TestUser> {
  return createTestUser(url, { role: 'admin' });
}

export async function createTestApiKey(
  url: string,
  opts: { departmentCode: string; sources: string[]; name?: string },
): Promise<TestApiKey> {
  const key = newApiKey();
  return withClient(url, async (c) => {
    const {
      rows: [{ id }],
    } = await c.query<{ id: string }>(
      `INSERT INTO api_key (name, key_hash, key_hint, department_code, sources, created_by)
       VALUES ($1, $2, $3, $4, $5, 'test') RETURNING id::text`,
      [
        opts.name ?? `${opts.departmentCode}-system`,
        secretHash(key),
        secretHint(key),
        opts.departmentCode,
        opts.sources,
      ],
    );
    return { id, key, headers: { 'x-api-key': key, 'content-type': 'application/json' } };
  });
}
