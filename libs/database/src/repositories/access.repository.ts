import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { returningRows } from '../returning-rows';
import { isAdminRole, secretHash, type AccessChange, type Principal, type Role } from '@lianjian/access';
import { afterCommit } from '@lianjian/common';

export interface UserRow {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  departmentCode: string | null;
  regionCode: string | null;
  createdAt: Date;
  createdBy: string;
  disabledAt: Date | null;
}

// A request to create, disable or enable an administrator, which another security administrator
// confirms (三员分立, four eyes). The new user's password hash is never part of it.
export interface AdminRequestRow {
  id: string;
  action: 'user.create' | 'user.disable' | 'user.enable' | 'user.totp-reset';
  userId: string | null;
  account: {
    username: string;
    displayName?: string | null;
    role: Role;
    departmentCode?: string | null;
    regionCode: string | null;
  };
  role: Role;
  regionCode: string | null;
  reason: string | null;
  requestedBy: string;
  requestedById: string;
  requestedAt: Date;
  status: 'pending' | 'confirmed' | 'withdrawn';
  decidedBy: string | null;
  decidedAt: Date | null;
}

export interface UserTotpRow {
  secretEnc: Buffer;
  confirmedAt: Date | null;
  lastStep: number | null;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  keyHint: string;
  departmentCode: string;
  sources: string[];
  createdAt: Date;
  createdBy: string;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

const USER_COLUMNS = `id::text, username, display_name AS "displayName", role, department_code AS "departmentCode",
  region_code AS "regionCode", created_at AS "createdAt", created_by AS "createdBy", disabled_at AS "disabledAt"`;
const REQUEST_COLUMNS = `id::text, action, user_id::text AS "userId", account, role, region_code AS "regionCode",
  reason, requested_by AS "requestedBy", requested_by_id::text AS "requestedById", requested_at AS "requestedAt",
  status, decided_by AS "decidedBy", decided_at AS "decidedAt"`;
// A region-code prefix ('' = national) in SQL: rows whose region is inside it; a national row (NULL)
// only for a national prefix.
const IN_PREFIX = (column: string, param: string) => `(${param} = '' OR ${column} LIKE ${param} || '%')`;
const KEY_COLUMNS = `id::text, name, key_hint AS "keyHint", department_code AS "departmentCode", sources,
  created_at AS "createdAt", created_by AS "createdBy", revoked_at AS "revokedAt", last_used_at AS "lastUsedAt"`;

// Users, their bearer tokens and departmental API keys. Secrets arrive here only to be hashed or
// compared by hash; nothing returned from this repository is a usable credential.
@Injectable()
export class AccessRepository {
  private readonly changeListeners: ((change: AccessChange) => void)[] = [];

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  // Told of every access change this process makes (a user disabled or given a new password, a token
  // or an API key revoked) once it has committed, before the request that made it answers: the api's
  // principal cache drops what it touches at once. Other processes hear PostgreSQL's notification
  // (migration 1765910000000), which may come a moment later; the process that made the change must
  // not serve the old principal in that moment (a signed-out token working once more).
  onAccessChange(listener: (change: AccessChange) => void): void {
    this.changeListeners.push(listener);
  }

  private changed(change: AccessChange): Promise<void> {
    return afterCommit(async () => {
      for (const l of this.changeListeners) l(change);
    });
  }

  async createUser(
    u: {
      username: string;
      displayName?: string | null;
      passwordHash: string;
      role: Role;
      departmentCode?: string | null;
      regionCode?: string | null;
      createdBy: string;
    },
    em?: EntityManager,
  ): Promise<UserRow> {
    const [row] = (await (em ?? this.ds).query(
      `INSERT INTO app_user (username, display_name, password_hash, role, department_code, region_code, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${USER_COLUMNS}`,
      [
        u.username,
        u.displayName ?? null,
        u.passwordHash,
        u.role,
        u.departmentCode ?? null,
        u.regionCode ?? null,
        u.createdBy,
      ],
    )) as UserRow[];
    return row;
  }

  async usernameTaken(username: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(`SELECT 1 FROM app_user WHERE lower(username) = lower($1)`, [
      username,
    ]);
    return rows.length > 0;
  }

  async userForLogin(username: string): Promise<(UserRow & { passwordHash: string }) | undefined> {
    const [row] = (await this.ds.query(
      `SELECT ${USER_COLUMNS}, password_hash AS "passwordHash" FROM app_user WHERE lower(username) = lower($1)`,
      [username],
    )) as (UserRow & { passwordHash: string })[];
    return row;
  }

  async user(id: string): Promise<UserRow | undefined> {
    const [row] = (await this.ds.query(`SELECT ${USER_COLUMNS} FROM app_user WHERE id = $1`, [
      id,
    ])) as UserRow[];
    return row;
  }

  // The users whose region is inside the jurisdiction prefix ('' = everyone).
  async listUsers(prefix = ''): Promise<UserRow[]> {
    return (await this.ds.query(
      `SELECT ${USER_COLUMNS} FROM app_user WHERE ${IN_PREFIX('region_code', '$1')} ORDER BY id`,
      [prefix],
    )) as UserRow[];
  }

  // Disabling a user also revokes their tokens: they are signed out at once.
  async setDisabled(id: string, disabled: boolean, tx?: EntityManager): Promise<UserRow | undefined> {
    const run = async (em: EntityManager) => {
      const [updated] = await returningRows<UserRow>(
        em,
        `UPDATE app_user SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END WHERE id = $1
         RETURNING ${USER_COLUMNS}`,
        [id, disabled],
      );
      if (updated && disabled)
        await em.query(
          `UPDATE access_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`,
          [id],
        );
      return updated;
    };
    const updated = tx ? await run(tx) : await this.ds.transaction(run);
    if (updated) await this.changed({ kind: 'user', id });
    return updated;
  }

  async setPassword(id: string, passwordHash: string): Promise<boolean> {
    const done = await this.ds.transaction(async (em) => {
      const n = (
        await returningRows(em, `UPDATE app_user SET password_hash = $2 WHERE id = $1 RETURNING id`, [
          id,
          passwordHash,
        ])
      ).length;
      await em.query(`UPDATE access_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [
        id,
      ]);
      return n > 0;
    });
    if (done) await this.changed({ kind: 'user', id });
    return done;
  }

  // secondFactor: the sign-in proved a one-time code (an administrator's token without it may only
  // enrol one).
  async issueToken(
    userId: string,
    token: string,
    ttlMinutes: number,
    client: string | null,
    secondFactor = false,
  ): Promise<Date> {
    const [row] = (await this.ds.query(
      `INSERT INTO access_token (token_hash, user_id, expires_at, client, second_factor)
       VALUES ($1, $2, now() + make_interval(mins => $3), $4, $5) RETURNING expires_at AS "expiresAt"`,
      [secretHash(token), userId, ttlMinutes, client, secondFactor],
    )) as { expiresAt: Date }[];
    // Expired tokens of this user are no longer of use to anyone.
    await this.ds.query(
      `DELETE FROM access_token WHERE user_id = $1 AND expires_at < now() - interval '7 days'`,
      [userId],
    );
    return row.expiresAt;
  }

  async revokeToken(token: string): Promise<void> {
    await this.ds.query(
      `UPDATE access_token SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL`,
      [secretHash(token)],
    );
    await this.changed({ kind: 'token', id: secretHash(token) });
  }

  // The principal of a bearer token that is unexpired, unrevoked, used within the last idleMinutes
  // (等保2.0 idle logout) and whose user is enabled; 'idle' for a token left unused longer. Its last
  // use is written at most once a minute, not on every request.
  // found.expiresAt: when the token expires (what a cache of the answer may not outlive).
  async principalForToken(
    token: string,
    idleMinutes: number,
    found?: { expiresAt?: Date },
  ): Promise<Principal | 'idle' | undefined> {
    const [row] = (await this.ds.query(
      `SELECT u.id::text, u.username, u.role, u.department_code AS "departmentCode", u.region_code AS "regionCode",
              t.second_factor AS "secondFactor", t.expires_at AS "expiresAt",
              t.last_used_at < now() - make_interval(mins => $2) AS idle,
              t.last_used_at < now() - interval '1 minute' AS stale
         FROM access_token t JOIN app_user u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND u.disabled_at IS NULL`,
      [secretHash(token), idleMinutes],
    )) as (Omit<Extract<Principal, { kind: 'user' }>, 'kind' | 'enrolOnly'> & {
      idle: boolean;
      stale: boolean;
      secondFactor: boolean;
      expiresAt: Date;
    })[];
    if (!row) return undefined;
    if (found) found.expiresAt = row.expiresAt;
    if (row.idle) return 'idle';
    if (row.stale)
      await this.ds.query(`UPDATE access_token SET last_used_at = now() WHERE token_hash = $1`, [
        secretHash(token),
      ]);
    const { idle: _idle, stale: _stale, secondFactor, expiresAt: _expiresAt, ...user } = row;
    // An administrator signed in without a second factor may only enrol one (and see who they are).
    return isAdminRole(user.role) && !secondFactor
      ? { kind: 'user', ...user, enrolOnly: true }
      : { kind: 'user', ...user };
  }

  // The token's sign-in has now proved a second factor (TOTP enrolment confirmed with a code). Its
  // cached enrol-only principal goes at once in this process too (the console asks who is signed in
  // right after confirming, and would otherwise be sent back to enrol until the notification came).
  async markSecondFactor(token: string): Promise<void> {
    await this.ds.query(`UPDATE access_token SET second_factor = true WHERE token_hash = $1`, [
      secretHash(token),
    ]);
    await this.changed({ kind: 'token', id: secretHash(token) });
  }

  // ---- TOTP (RFC 6238) secrets, encrypted by the caller ----

  async totp(userId: string): Promise<UserTotpRow | undefined> {
    const [row] = (await this.ds.query(
      `SELECT secret_enc AS "secretEnc", confirmed_at AS "confirmedAt", last_step::float8 AS "lastStep"
         FROM user_totp WHERE user_id = $1`,
      [userId],
    )) as UserTotpRow[];
    return row;
  }

  // A new, unconfirmed secret replaces an unconfirmed one; false when the user has a confirmed one.
  async saveTotpSecret(userId: string, secretEnc: Buffer): Promise<boolean> {
    const rows = await returningRows(
      this.ds,
      `INSERT INTO user_totp (user_id, secret_enc) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET secret_enc = EXCLUDED.secret_enc, created_at = now()
        WHERE user_totp.confirmed_at IS NULL
       RETURNING user_id`,
      [userId, secretEnc],
    );
    return rows.length > 0;
  }

  // Takes the code of time step `step`: only once, and only a step later than the last one taken, so
  // a code cannot be replayed within its window (atomic: two sign-ins with one code, one wins).
  // confirm: the first code, which confirms the enrolment.
  async takeTotpStep(userId: string, step: number, confirm: boolean): Promise<boolean> {
    const rows = await returningRows(
      this.ds,
      `UPDATE user_totp SET last_step = $2, confirmed_at = CASE WHEN $3 THEN now() ELSE confirmed_at END
        WHERE user_id = $1 AND (confirmed_at IS NULL) = $3 AND (last_step IS NULL OR last_step < $2)
       RETURNING user_id`,
      [userId, step, confirm],
    );
    return rows.length > 0;
  }

  // A one-time enrolment code for the user (its hash): replaces any earlier one, used or not.
  async issueEnrolmentCode(
    userId: string,
    codeHash: string,
    issuedBy: string,
    ttlHours: number,
    em?: EntityManager,
  ): Promise<{ expiresAt: Date }> {
    const [row] = (await (em ?? this.ds).query(
      `INSERT INTO totp_enrolment_code (user_id, code_hash, issued_by, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(hours => $4))
       ON CONFLICT (user_id) DO UPDATE
         SET code_hash = EXCLUDED.code_hash, issued_by = EXCLUDED.issued_by, issued_at = now(),
             expires_at = EXCLUDED.expires_at, used_at = NULL
       RETURNING expires_at AS "expiresAt"`,
      [userId, codeHash, issuedBy, ttlHours],
    )) as { expiresAt: Date }[];
    return row;
  }

  // Uses the user's enrolment code: only the right one, not used yet, not expired (atomic: two
  // enrolments with one code, one wins).
  async takeEnrolmentCode(userId: string, codeHash: string): Promise<boolean> {
    const rows = await returningRows(
      this.ds,
      `UPDATE totp_enrolment_code SET used_at = now()
        WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL AND expires_at > now()
       RETURNING user_id`,
      [userId, codeHash],
    );
    return rows.length > 0;
  }

  // A security administrator's reset (lost authenticator): the user enrols again at next sign-in.
  async resetTotp(userId: string, em?: EntityManager): Promise<void> {
    await (em ?? this.ds).query(`DELETE FROM user_totp WHERE user_id = $1`, [userId]);
  }

  // ---- requests to create, disable or enable an administrator (four eyes) ----

  async createAdminRequest(
    r: {
      action: AdminRequestRow['action'];
      userId: string | null;
      account: AdminRequestRow['account'];
      passwordHash: string | null;
      reason: string | null;
      requestedBy: string;
      requestedById: string;
    },
    em?: EntityManager,
  ): Promise<AdminRequestRow> {
    const [row] = (await (em ?? this.ds).query(
      `INSERT INTO admin_request (action, user_id, account, password_hash, role, region_code, reason, requested_by, requested_by_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${REQUEST_COLUMNS}`,
      [
        r.action,
        r.userId,
        JSON.stringify(r.account),
        r.passwordHash,
        r.account.role,
        r.account.regionCode,
        r.reason,
        r.requestedBy,
        r.requestedById,
      ],
    )) as AdminRequestRow[];
    return row;
  }

  async listAdminRequests(prefix: string, status?: AdminRequestRow['status']): Promise<AdminRequestRow[]> {
    return (await this.ds.query(
      `SELECT ${REQUEST_COLUMNS} FROM admin_request
        WHERE ${IN_PREFIX('region_code', '$1')} AND ($2::text IS NULL OR status = $2) ORDER BY id DESC LIMIT 500`,
      [prefix, status ?? null],
    )) as AdminRequestRow[];
  }

  // Runs `decide` on the request under its row lock (with the new user's password hash while it is
  // pending), in one transaction with whatever it writes.
  async onAdminRequest<T>(
    id: string,
    decide: (em: EntityManager, r: AdminRequestRow & { passwordHash: string | null }) => Promise<T>,
  ): Promise<T | undefined> {
    return this.ds.transaction(async (em) => {
      const [row] = (await em.query(
        `SELECT ${REQUEST_COLUMNS}, password_hash AS "passwordHash" FROM admin_request WHERE id = $1 FOR UPDATE`,
        [id],
      )) as (AdminRequestRow & { passwordHash: string | null })[];
      return row ? decide(em, row) : undefined;
    });
  }

  async settleAdminRequest(
    em: EntityManager,
    id: string,
    status: 'confirmed' | 'withdrawn',
    by: { name: string; id: string },
    userId?: string,
  ): Promise<AdminRequestRow> {
    const [row] = await returningRows<AdminRequestRow>(
      em,
      `UPDATE admin_request SET status = $2, decided_by = $3, decided_by_id = $4, decided_at = now(),
              password_hash = NULL, user_id = coalesce($5, user_id)
        WHERE id = $1 RETURNING ${REQUEST_COLUMNS}`,
      [id, status, by.name, by.id, userId ?? null],
    );
    return row;
  }

  async createApiKey(k: {
    name: string;
    key: string;
    keyHint: string;
    departmentCode: string;
    sources: string[];
    createdBy: string;
  }): Promise<ApiKeyRow> {
    const [row] = (await this.ds.query(
      `INSERT INTO api_key (name, key_hash, key_hint, department_code, sources, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${KEY_COLUMNS}`,
      [k.name, secretHash(k.key), k.keyHint, k.departmentCode, k.sources, k.createdBy],
    )) as ApiKeyRow[];
    return row;
  }

  // The keys of departments inside the jurisdiction prefix ('' = every key).
  async listApiKeys(prefix = ''): Promise<ApiKeyRow[]> {
    return (await this.ds.query(
      `SELECT ${KEY_COLUMNS} FROM api_key k
        WHERE $1 = '' OR EXISTS (SELECT 1 FROM department d WHERE d.code = k.department_code AND d.region_code LIKE $1 || '%')
        ORDER BY id`,
      [prefix],
    )) as ApiKeyRow[];
  }

  // A key's department's region (undefined: no such key).
  async apiKeyRegion(id: string): Promise<{ regionCode: string } | undefined> {
    const [row] = (await this.ds.query(
      `SELECT d.region_code AS "regionCode" FROM api_key k JOIN department d ON d.code = k.department_code WHERE k.id = $1`,
      [id],
    )) as { regionCode: string }[];
    return row;
  }

  async revokeApiKey(id: string): Promise<ApiKeyRow | undefined> {
    const [row] = await returningRows<ApiKeyRow>(
      this.ds,
      `UPDATE api_key SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${KEY_COLUMNS}`,
      [id],
    );
    if (row) await this.changed({ kind: 'apiKey', id });
    return row;
  }

  async principalForApiKey(key: string): Promise<Principal | undefined> {
    const [k] = (await this.ds.query(
      `SELECT id::text, name, department_code AS "departmentCode", sources,
              last_used_at IS NULL OR last_used_at < now() - interval '1 minute' AS stale
         FROM api_key WHERE key_hash = $1 AND revoked_at IS NULL`,
      [secretHash(key)],
    )) as (Omit<Extract<Principal, { kind: 'apiKey' }>, 'kind'> & { stale: boolean })[];
    if (!k) return undefined;
    // last_used_at is written at most once a minute per key, not on every call.
    if (k.stale) await this.ds.query(`UPDATE api_key SET last_used_at = now() WHERE id = $1`, [k.id]);
    return { kind: 'apiKey', id: k.id, name: k.name, departmentCode: k.departmentCode, sources: k.sources };
  }

  // A department's region code, or undefined when there is no such department.
  async departmentRegion(code: string): Promise<string | undefined> {
    const [row] = (await this.ds.query(`SELECT region_code AS "regionCode" FROM department WHERE code = $1`, [
      code,
    ])) as { regionCode: string }[];
    return row?.regionCode;
  }

  async departmentExists(code: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(`SELECT 1 FROM department WHERE code = $1`, [code]);
    return rows.length > 0;
  }
}
