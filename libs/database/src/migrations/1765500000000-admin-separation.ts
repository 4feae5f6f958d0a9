import type { MigrationInterface, QueryRunner } from 'typeorm';

// 三员分立 and a second factor for administrators (issue 13, findings 4 and 13):
// - the security administrator (security_admin) joins the roles;
// - creating, disabling or enabling an administrator, or resetting their second factor, is a request
//   another security administrator confirms (admin_request); the database refuses a request confirmed by its requester;
// - TOTP secrets (user_totp), encrypted with WEBHOOK_SECRETS_KEY like webhook secrets; last_step is
//   the time step of the last code accepted, so a code is never accepted twice;
// - a bearer token says whether its sign-in proved the second factor (second_factor): an
//   administrator's token without it may only enrol. Tokens issued before this migration have none.
export class AdminSeparation1765500000000 implements MigrationInterface {
  name = 'AdminSeparation1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP CONSTRAINT app_user_role_check`);
    await q.query(`
      ALTER TABLE app_user ADD CONSTRAINT app_user_role_check CHECK (role IN
        ('admin', 'security_admin', 'supervision_staff', 'coordinator', 'department_officer', 'auditor'))`);
    await q.query(`ALTER TABLE access_token ADD COLUMN second_factor boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE user_totp (
        user_id bigint PRIMARY KEY REFERENCES app_user (id),
        secret_enc bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        confirmed_at timestamptz,
        last_step bigint
      )`);
    await q.query(`
      CREATE TABLE admin_request (
        id bigserial PRIMARY KEY,
        action text NOT NULL CHECK (action IN ('user.create', 'user.disable', 'user.enable', 'user.totp-reset')),
        -- The user disabled, enabled or whose second factor is reset; for user.create, set once confirmed.
        user_id bigint REFERENCES app_user (id),
        -- user.create: the new user (username, displayName, role, departmentCode, regionCode).
        account jsonb NOT NULL,
        -- user.create: the new user's scrypt hash until the request is decided; never returned.
        password_hash text,
        role text NOT NULL,
        region_code text CHECK (region_code ~ '^[0-9]{6}$'),
        reason text,
        requested_by text NOT NULL,
        requested_by_id bigint NOT NULL REFERENCES app_user (id),
        requested_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'withdrawn')),
        decided_by text,
        decided_by_id bigint REFERENCES app_user (id),
        decided_at timestamptz,
        CONSTRAINT admin_request_decision CHECK ((status = 'pending') = (decided_at IS NULL)),
        CONSTRAINT admin_request_four_eyes CHECK (
          status <> 'confirmed' OR (decided_by_id IS NOT NULL AND decided_by_id <> requested_by_id)),
        CONSTRAINT admin_request_password CHECK (
          password_hash IS NULL OR (action = 'user.create' AND status = 'pending'))
      )`);
    // One pending request per user name (create) and per user (disable, enable).
    await q.query(
      `CREATE UNIQUE INDEX admin_request_pending_user ON admin_request (user_id) WHERE status = 'pending' AND user_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX admin_request_pending_name ON admin_request (lower(account->>'username')) WHERE status = 'pending' AND action = 'user.create'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE admin_request`);
    await q.query(`DROP TABLE user_totp`);
    await q.query(`ALTER TABLE access_token DROP COLUMN second_factor`);
    await q.query(`ALTER TABLE app_user DROP CONSTRAINT app_user_role_check`);
    await q.query(`
      ALTER TABLE app_user ADD CONSTRAINT app_user_role_check CHECK (role IN
        ('admin', 'supervision_staff', 'coordinator', 'department_officer', 'auditor'))`);
  }
}
