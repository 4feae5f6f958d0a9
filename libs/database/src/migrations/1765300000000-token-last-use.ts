import type { MigrationInterface, QueryRunner } from 'typeorm';

// Idle logout (等保2.0 level 3): a bearer token records when it was last used (at most once a
// minute), and stops working after ACCESS_TOKEN_IDLE_MINUTES without use. Tokens issued before this
// migration count as used now.
export class TokenLastUse1765300000000 implements MigrationInterface {
  name = 'TokenLastUse1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE access_token ADD COLUMN last_used_at timestamptz NOT NULL DEFAULT now()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE access_token DROP COLUMN last_used_at`);
  }
}
