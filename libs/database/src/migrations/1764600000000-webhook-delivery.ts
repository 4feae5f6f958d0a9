import type { MigrationInterface, QueryRunner } from 'typeorm';

// Webhook delivery with a transactional outbox: a webhook delivery row, written in the alert's
// transaction, is the outbox entry. A trigger wakes the worker's relay (LISTEN lianjian_delivery),
// which enqueues one job per attempt; every attempt is recorded. Departments sign with rotatable
// secrets, encrypted at rest.
export class WebhookDelivery1764600000000 implements MigrationInterface {
  name = 'WebhookDelivery1764600000000';

  async up(q: QueryRunner): Promise<void> {
    // next_attempt_at: when the next attempt is due (pending: at once; failed: after the backoff).
    // enqueued_at: when that attempt's job went to the queue (NULL: not yet; the relay's to do).
    // attempt_started_at: an attempt is being sent since then (a lease against duplicate sends).
    await q.query(`
      ALTER TABLE delivery
        ADD COLUMN next_attempt_at timestamptz,
        ADD COLUMN enqueued_at timestamptz,
        ADD COLUMN attempt_started_at timestamptz`);
    await q.query(`
      UPDATE delivery SET next_attempt_at = created_at
       WHERE channel = 'webhook' AND status IN ('pending', 'failed')`);
    await q.query(`
      CREATE INDEX delivery_outbox ON delivery (next_attempt_at)
       WHERE channel = 'webhook' AND status IN ('pending', 'failed')`);

    await q.query(`
      CREATE TABLE delivery_attempt (
        delivery_id bigint NOT NULL REFERENCES delivery (id) ON DELETE CASCADE,
        attempt_no integer NOT NULL CHECK (attempt_no >= 1),
        started_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        http_status integer,
        error text,
        outcome text NOT NULL CHECK (outcome IN ('delivered', 'failed', 'dead')),
        key_id text,
        -- the backoff chosen after a failed attempt, before the next one
        retry_delay_ms integer,
        PRIMARY KEY (delivery_id, attempt_no)
      )`);

    // Per-department signing secrets. The newest unretired one signs; retired ones stay listed so a
    // receiver can accept both while it rolls over. secret_enc: AES-256-GCM, version || iv || tag || data.
    await q.query(`
      CREATE TABLE webhook_secret (
        id bigserial PRIMARY KEY,
        department_code text NOT NULL REFERENCES department (code),
        key_id text NOT NULL UNIQUE,
        secret_enc bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz
      )`);
    await q.query(
      `CREATE UNIQUE INDEX webhook_secret_active ON webhook_secret (department_code) WHERE retired_at IS NULL`,
    );

    // NOTIFY is sent at commit, so the relay never sees a delivery before its alert is visible.
    await q.query(`
      CREATE FUNCTION lianjian_delivery_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('lianjian_delivery', NEW.id::text);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER delivery_outbox_notify AFTER INSERT OR UPDATE ON delivery
        FOR EACH ROW WHEN (NEW.channel = 'webhook' AND NEW.status = 'pending' AND NEW.enqueued_at IS NULL)
        EXECUTE FUNCTION lianjian_delivery_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER delivery_outbox_notify ON delivery`);
    await q.query(`DROP FUNCTION lianjian_delivery_notify()`);
    await q.query(`DROP TABLE webhook_secret`);
    await q.query(`DROP TABLE delivery_attempt`);
    await q.query(`DROP INDEX delivery_outbox`);
    await q.query(`
      ALTER TABLE delivery
        DROP COLUMN attempt_started_at,
        DROP COLUMN enqueued_at,
        DROP COLUMN next_attempt_at`);
  }
}
