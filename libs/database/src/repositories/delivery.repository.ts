import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { returningRows } from '../returning-rows';

export type AttemptOutcome = 'delivered' | 'failed' | 'dead';

// A webhook delivery whose next attempt should go to the queue.
export interface DueDelivery {
  id: string;
  // The attempt to make: attempts recorded so far + 1.
  attempt: number;
  // Queued before and never completed: its job was lost.
  requeued: boolean;
}

export type BeginAttempt =
  | {
      go: true;
      departmentCode: string;
      // The receiving department's region: its jurisdiction (辖区) bounds what its webhook is sent.
      departmentRegion: string;
      alertId: string;
      webhookUrl: string | null;
      // X-Request-Id of the request that raised the alert, if any.
      requestId: string | null;
      startedAt: Date;
    }
  | { go: false; reason: string };

export interface FinishAttempt {
  deliveryId: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  httpStatus: number | null;
  error: string | null;
  outcome: AttemptOutcome;
  keyId: string | null;
  // Set for a failed attempt that will be retried: the backoff before the next one.
  retryDelayMs: number | null;
}

export interface AttemptView {
  attempt: number;
  startedAt: Date;
  durationMs: number;
  httpStatus: number | null;
  error: string | null;
  outcome: AttemptOutcome;
  keyId: string | null;
  retryDelayMs: number | null;
}

export interface DeliveryRef {
  id: string;
  channel: string;
  status: string;
}

// The outbox side of webhook delivery (一处发现、多方联动 → 推送): which deliveries are due, the
// lease that keeps an attempt from being sent twice, and the record of every attempt.
@Injectable()
export class DeliveryRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  // Locks up to `limit` due webhook deliveries for the relay (SKIP LOCKED: several relays share the
  // work). Due: never enqueued, or enqueued more than staleMs after it was due without the attempt
  // completing (its job was lost, e.g. Redis restarted without persistence) and not being sent now.
  async lockDue(em: EntityManager, limit: number, staleMs: number, leaseMs: number): Promise<DueDelivery[]> {
    const rows: { id: string; attempts: number; requeued: boolean }[] = await em.query(
      `SELECT id::text AS id, attempts, enqueued_at IS NOT NULL AS requeued FROM delivery
        WHERE channel = 'webhook' AND status IN ('pending', 'failed') AND next_attempt_at <= now()
          AND (enqueued_at IS NULL
               OR (greatest(enqueued_at, next_attempt_at) < now() - make_interval(secs => $2::float8 / 1000)
                   AND (attempt_started_at IS NULL
                        OR attempt_started_at < now() - make_interval(secs => $3::float8 / 1000))))
        ORDER BY next_attempt_at
        LIMIT $1
        FOR UPDATE SKIP LOCKED`,
      [limit, staleMs, leaseMs],
    );
    return rows.map((r) => ({ id: r.id, attempt: r.attempts + 1, requeued: r.requeued }));
  }

  async markEnqueued(em: EntityManager, ids: string[]): Promise<void> {
    await em.query(`UPDATE delivery SET enqueued_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
  }

  // The retry's job could not be queued (Redis down): the relay enqueues it when it is due.
  async clearEnqueued(deliveryId: string, attempt: number): Promise<void> {
    await this.ds.query(
      `UPDATE delivery SET enqueued_at = NULL
        WHERE id = $1::bigint AND attempts = $2 AND status IN ('pending', 'failed')`,
      [deliveryId, attempt - 1],
    );
  }

  // Checks under the row lock that attempt `attempt` is the next one and nobody is sending it, then
  // takes the lease. A late duplicate job (the attempt is recorded, or being sent) goes no further.
  async beginAttempt(deliveryId: string, attempt: number, leaseMs: number): Promise<BeginAttempt> {
    return this.ds.transaction(async (em) => {
      const [d] = (await em.query(
        `SELECT d.channel, d.status, d.attempts, d.department_code AS "departmentCode", d.alert_id::text AS "alertId",
                dep.webhook_url AS "webhookUrl", dep.region_code AS "departmentRegion",
                d.request_id AS "requestId",
                d.attempt_started_at > now() - make_interval(secs => $2::float8 / 1000) AS leased
           FROM delivery d JOIN department dep ON dep.code = d.department_code
          WHERE d.id = $1::bigint
          FOR UPDATE OF d`,
        [deliveryId, leaseMs],
      )) as {
        channel: string;
        status: string;
        attempts: number;
        departmentCode: string;
        departmentRegion: string;
        alertId: string;
        webhookUrl: string | null;
        requestId: string | null;
        leased: boolean | null;
      }[];
      if (!d) return { go: false, reason: 'no such delivery' };
      if (d.channel !== 'webhook') return { go: false, reason: `channel ${d.channel}` };
      if (d.status !== 'pending' && d.status !== 'failed') return { go: false, reason: `status ${d.status}` };
      if (d.attempts >= attempt) return { go: false, reason: `attempt ${attempt} already recorded` };
      if (d.attempts !== attempt - 1) return { go: false, reason: `attempt ${d.attempts + 1} comes first` };
      if (d.leased) return { go: false, reason: `attempt ${attempt} is being sent` };
      const [{ startedAt }] = await returningRows<{ startedAt: Date }>(
        em,
        `UPDATE delivery SET attempt_started_at = clock_timestamp() WHERE id = $1::bigint
         RETURNING attempt_started_at AS "startedAt"`,
        [deliveryId],
      );
      return {
        go: true,
        departmentCode: d.departmentCode,
        departmentRegion: d.departmentRegion,
        alertId: d.alertId,
        webhookUrl: d.webhookUrl,
        requestId: d.requestId,
        startedAt,
      };
    });
  }

  // The attempt failed before an outcome (e.g. PostgreSQL unreachable): give the lease back so the
  // job's retry can send.
  async releaseAttempt(deliveryId: string): Promise<void> {
    await this.ds.query(`UPDATE delivery SET attempt_started_at = NULL WHERE id = $1::bigint`, [deliveryId]);
  }

  // Records the attempt and moves the delivery on, in one transaction. Returns false when the attempt
  // was recorded already (then nothing changes). An acknowledged delivery stays acknowledged.
  async finishAttempt(a: FinishAttempt): Promise<{ recorded: boolean; retryScheduled: boolean }> {
    return this.ds.transaction(async (em) => {
      const [d] = (await em.query(`SELECT status, attempts FROM delivery WHERE id = $1::bigint FOR UPDATE`, [
        a.deliveryId,
      ])) as { status: string; attempts: number }[];
      if (!d || d.attempts >= a.attempt) return { recorded: false, retryScheduled: false };
      await em.query(
        `INSERT INTO delivery_attempt (delivery_id, attempt_no, started_at, duration_ms, http_status, error, outcome,
                                       key_id, retry_delay_ms)
         VALUES ($1::bigint, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          a.deliveryId,
          a.attempt,
          a.startedAt,
          a.durationMs,
          a.httpStatus,
          a.error,
          a.outcome,
          a.keyId,
          a.retryDelayMs,
        ],
      );
      const retry = a.outcome === 'failed' && a.retryDelayMs !== null && d.status !== 'acknowledged';
      await em.query(
        `UPDATE delivery SET
           attempts = $2,
           status = CASE WHEN status = 'acknowledged' THEN status ELSE $3 END,
           delivered_at = CASE WHEN $3 = 'delivered' THEN coalesce(delivered_at, now()) ELSE delivered_at END,
           last_error = $4,
           next_attempt_at = CASE WHEN $5 THEN now() + make_interval(secs => $6::float8 / 1000) END,
           -- the retry's delayed job is queued right after this commit (the relay covers a lost one)
           enqueued_at = CASE WHEN $5 THEN now() END,
           attempt_started_at = NULL
         WHERE id = $1::bigint`,
        [a.deliveryId, a.attempt, a.outcome, a.error, retry, a.retryDelayMs ?? 0],
      );
      return { recorded: true, retryScheduled: retry };
    });
  }

  async find(alertId: string, department: string): Promise<DeliveryRef | undefined> {
    const [row] = (await this.ds.query(
      `SELECT id::text AS id, channel, status FROM delivery WHERE alert_id = $1::bigint AND department_code = $2`,
      [alertId, department],
    )) as DeliveryRef[];
    return row;
  }

  // Sends a webhook delivery again (补发): back to pending, due now, with its attempts kept; the
  // trigger wakes the relay. Logged on the alert's history. Undefined: not a webhook delivery, or
  // acknowledged.
  async redeliver(
    deliveryId: string,
    actor: string,
  ): Promise<{ status: string; attempts: number; nextAttemptAt: Date } | undefined> {
    return this.ds.transaction(async (em) => {
      const rows = await returningRows<{
        alertId: string;
        department: string;
        previous: string;
        status: string;
        attempts: number;
        nextAttemptAt: Date;
      }>(
        em,
        `UPDATE delivery d SET status = 'pending', next_attempt_at = now(), enqueued_at = NULL, last_error = NULL
           FROM (SELECT id, status FROM delivery WHERE id = $1::bigint FOR UPDATE) old
          WHERE d.id = old.id AND d.channel = 'webhook' AND old.status <> 'acknowledged'
          RETURNING d.alert_id::text AS "alertId", d.department_code AS department, old.status AS previous,
                    d.status, d.attempts, d.next_attempt_at AS "nextAttemptAt"`,
        [deliveryId],
      );
      const r = rows[0];
      if (!r) return undefined;
      await em.query(
        `INSERT INTO alert_event (alert_id, actor, action, detail) VALUES ($1::bigint, $2, 'redelivered', $3)`,
        [r.alertId, actor, JSON.stringify({ department: r.department, previousStatus: r.previous })],
      );
      return { status: r.status, attempts: r.attempts, nextAttemptAt: r.nextAttemptAt };
    });
  }

  async attempts(deliveryId: string): Promise<AttemptView[]> {
    return this.ds.query(
      `SELECT attempt_no AS attempt, started_at AS "startedAt", duration_ms AS "durationMs",
              http_status AS "httpStatus", error, outcome, key_id AS "keyId", retry_delay_ms AS "retryDelayMs"
         FROM delivery_attempt WHERE delivery_id = $1::bigint ORDER BY attempt_no`,
      [deliveryId],
    );
  }
}
