import type { MigrationInterface, QueryRunner } from 'typeorm';

// An administrator enrols a second factor (TOTP) only with a one-time enrolment code (一次性绑定码)
// a security administrator issued (or the operator, with npm run user:create): whoever learns the
// password before the first sign-in cannot enrol their own authenticator. The code is shown once and
// kept only as its SHA-256; one code per user (a new one replaces the earlier), used once, expiring.
export class TotpEnrolmentCode1766110000000 implements MigrationInterface {
  name = 'TotpEnrolmentCode1766110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE totp_enrolment_code (
        user_id bigint PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        issued_by text NOT NULL,
        issued_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        CHECK (expires_at > issued_at)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE totp_enrolment_code`);
  }
}
