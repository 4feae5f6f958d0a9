import { Client } from 'pg';
import { generate, generateSecret } from 'otplib';
import {
  enrolmentCodeHash,
  hashPassword,
  isAdminRole,
  newAccessToken,
  newApiKey,
  newEnrolmentCode,
  secretHash,
  secretHint,
  type Role,
} from '@lianjian/access';
import { encryptSecret, parseSecretsKey, TEST_SECRETS_KEY } from '@lianjian/delivery';

// Signed-in callers for tests: a user with a role (and its bearer token) or a departmental API key,
// written straight into the test database. Login itself is tested through POST /api/v1/auth/login.

export interface TestUser {
  id: string;
  username: string;
  password: string;
  role: Role;
  token: string;
  headers: Record<string, string>; // Authorization and content-type, ready for fetch
  // Administrators (and anyone created with totp: true) have an enrolled second factor: its secret,
  // and the code of now (or `at`), to sign in through POST /api/v1/auth/login with.
  totpSecret?: string;
  code(at?: number): Promise<string>;
  // An administrator created without a second factor (totp: false) gets a one-time enrolment code, as
  // a security administrator would issue (POST /api/v1/users/{id}/totp/enrolment-code), to enrol with.
  enrolmentCode?: string;
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

// A user and a bearer token, as if signed in. The three administrators (三员) sign in with a second
// factor: by default they are enrolled (a TOTP secret encrypted with secretsKey, the stack's
// WEBHOOK_SECRETS_KEY, or the test key) and their token counts as two factors; totp: false makes an
// administrator who has not enrolled, whose token may only enrol (with the user's enrolmentCode).
export async function createTestUser(
  url: string,
  opts: {
    role: Role;
    departmentCode?: string | null;
    regionCode?: string | null;
    username?: string;
    totp?: boolean;
    secretsKey?: string;
  },
): Promise<TestUser> {
  testHash ??= hashPassword(TEST_PASSWORD);
  const username = opts.username ?? `${opts.role.replace(/_/g, '-')}-${process.pid}-${++counter}`;
  const token = newAccessToken();
  const totpSecret = (opts.totp ?? isAdminRole(opts.role)) ? generateSecret() : undefined;
  return withClient(url, async (c) => {
    const {
      rows: [{ id }],
    } = await c.query<{ id: string }>(
      `INSERT INTO app_user (username, password_hash, role, department_code, region_code, created_by)
       VALUES ($1, $2, $3, $4, $5, 'test') RETURNING id::text`,
      [username, await testHash, opts.role, opts.departmentCode ?? null, opts.regionCode ?? null],
    );
    if (totpSecret) {
      const key = opts.secretsKey ? parseSecretsKey(opts.secretsKey) : TEST_SECRETS_KEY;
      await c.query(`INSERT INTO user_totp (user_id, secret_enc, confirmed_at) VALUES ($1, $2, now())`, [
        id,
        encryptSecret(key, totpSecret, `totp:${id}`),
      ]);
    }
    const enrolmentCode = !totpSecret && isAdminRole(opts.role) ? newEnrolmentCode() : undefined;
    if (enrolmentCode)
      await c.query(
        `INSERT INTO totp_enrolment_code (user_id, code_hash, issued_by, expires_at)
         VALUES ($1, $2, 'test', now() + interval '1 day')`,
        [id, enrolmentCodeHash(enrolmentCode)],
      );
    await c.query(
      `INSERT INTO access_token (token_hash, user_id, expires_at, second_factor)
       VALUES ($1, $2, now() + interval '1 day', $3)`,
      [secretHash(token), id, !!totpSecret],
    );
    return {
      id,
      username,
      password: TEST_PASSWORD,
      role: opts.role,
      token,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      totpSecret,
      enrolmentCode,
      code: (at?: number) => {
        if (!totpSecret) throw new Error(`${username} has no second factor (createTestUser totp)`);
        return generate({
          secret: totpSecret,
          ...(at === undefined ? {} : { epoch: Math.floor(at / 1000) }),
        });
      },
    };
  });
}

// A national system administrator: what most feature tests sign in as.
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
