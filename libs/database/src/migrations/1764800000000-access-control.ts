import type { MigrationInterface, QueryRunner } from 'typeorm';

// Access control (权限): people sign in as users with a role, a department and a jurisdiction; their
// bearer tokens expire; departmental systems call with API keys scoped to their sources. Passwords are
// stored as scrypt hashes, tokens and keys as SHA-256 hashes: the tables never hold a usable secret.
export class AccessControl1764800000000 implements MigrationInterface {
  name = 'AccessControl1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE app_user (
        id bigserial PRIMARY KEY,
        username text NOT NULL CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$'),
        display_name text,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'supervision_staff', 'coordinator', 'department_officer', 'auditor')),
        department_code text REFERENCES department (code),
        region_code text CHECK (region_code ~ '^[0-9]{6}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        disabled_at timestamptz,
        -- An officer acts for one department.
        CONSTRAINT app_user_officer_department CHECK (role <> 'department_officer' OR department_code IS NOT NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX app_user_username ON app_user (lower(username))`);
    await q.query(`
      CREATE TABLE access_token (
        token_hash text PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        client text
      )`);
    await q.query(`CREATE INDEX access_token_user ON access_token (user_id)`);
    await q.query(`CREATE INDEX access_token_expires ON access_token (expires_at)`);
    await q.query(`
      CREATE TABLE api_key (
        id bigserial PRIMARY KEY,
        name text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        key_hint text NOT NULL,
        department_code text NOT NULL REFERENCES department (code),
        sources text[] NOT NULL CHECK (cardinality(sources) >= 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        revoked_at timestamptz,
        last_used_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_key`);
    await q.query(`DROP TABLE access_token`);
    await q.query(`DROP TABLE app_user`);
  }
}
