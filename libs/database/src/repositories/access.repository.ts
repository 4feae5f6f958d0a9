import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { returningRows } from '../returning-rows';
import { secretHash, type Principal, type Role } from '@lianjian/access';

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
const KEY_COLUMNS = `id::text, name, key_hint AS "keyHint", department_code AS "departmentCode", sources,
  created_at AS "createdAt", created_by AS "createdBy", revoked_at AS "revokedAt", last_used_at AS "lastUsedAt"`;

// Users, their bearer tokens and departmental API keys. Secrets arrive here only to be hashed or
// compared by hash; nothing returned from this repository is a usable credential.
@Injectable()
export class AccessRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async createUser(u: {
    username: string;
    displayName?: string | null;
    passwordHash: string;
    role: Role;
    departmentCode?: string | null;
    regionCode?: string | null;
    createdBy: string;
  }): Promise<UserRow> {
    const [row] = (await this.ds.query(
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

  async listUsers(): Promise<UserRow[]> {
    return (await this.ds.query(`SELECT ${USER_COLUMNS} FROM app_user ORDER BY id`)) as UserRow[];
  }

  // Disabling a user also revokes their tokens: they are signed out at once.
  async setDisabled(id: string, disabled: boolean): Promise<UserRow | undefined> {
    return this.ds.transaction(async (em) => {
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
    });
  }

  async setPassword(id: string, passwordHash: string): Promise<boolean> {
    return this.ds.transaction(async (em) => {
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
  }

  async issueToken(userId: string, token: string, ttlMinutes: number, client: string | null): Promise<Date> {
    const [row] = (await this.ds.query(
      `INSERT INTO access_token (token_hash, user_id, expires_at, client)
       VALUES ($1, $2, now() + make_interval(mins => $3), $4) RETURNING expires_at AS "expiresAt"`,
      [secretHash(token), userId, ttlMinutes, client],
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
  }

  // The principal of a bearer token that is unexpired, unrevoked, used within the last idleMinutes
  // (等保2.0 idle logout) and whose user is enabled; 'idle' for a token left unused longer. Its last
  // use is written at most once a minute, not on every request.
  async principalForToken(token: string, idleMinutes: number): Promise<Principal | 'idle' | undefined> {
    const [row] = (await this.ds.query(
      `SELECT u.id::text, u.username, u.role, u.department_code AS "departmentCode", u.region_code AS "regionCode",
              t.last_used_at < now() - make_interval(mins => $2) AS idle,
              t.last_used_at < now() - interval '1 minute' AS stale
         FROM access_token t JOIN app_user u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND u.disabled_at IS NULL`,
      [secretHash(token), idleMinutes],
    )) as (Omit<Extract<Principal, { kind: 'user' }>, 'kind'> & { idle: boolean; stale: boolean })[];
    if (!row) return undefined;
    if (row.idle) return 'idle';
    if (row.stale)
      await this.ds.query(`UPDATE access_token SET last_used_at = now() WHERE token_hash = $1`, [
        secretHash(token),
      ]);
    const { idle: _idle, stale: _stale, ...user } = row;
    return { kind: 'user', ...user };
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

  async listApiKeys(): Promise<ApiKeyRow[]> {
    return (await this.ds.query(`SELECT ${KEY_COLUMNS} FROM api_key ORDER BY id`)) as ApiKeyRow[];
  }

  async revokeApiKey(id: string): Promise<ApiKeyRow | undefined> {
    const [row] = await returningRows<ApiKeyRow>(
      this.ds,
      `UPDATE api_key SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${KEY_COLUMNS}`,
      [id],
    );
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

  async departmentExists(code: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(`SELECT 1 FROM department WHERE code = $1`, [code]);
    return rows.length > 0;
  }
}
