import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { METRICS, NO_METRICS, withTimeout, type Metrics } from '@lianjian/common';
import { AlertRepository, alertItem, DeliveryRepository, type BeginAttempt } from '@lianjian/database';
import { JobName, JobQueue } from '@lianjian/queue';
import { regionPrefix } from '@lianjian/reference';
import { classifyAttempt, type AttemptOutcome } from './attempt-outcome';
import { backoffDelayMs, type BackoffPolicy } from './backoff';
import { DepartmentWebhooks, SecretUnreadableError } from './department-webhooks.service';
import { postWebhook, type SendResult } from './webhook-sender';
import { signWebhook } from './webhook-signature';

export const ENQUEUE_TIMEOUT_MS = 2000;

export const OUTSIDE_JURISDICTION =
  "not sent: the alert's entity is outside this department's jurisdiction now (it moved since the alert was raised) / 未推送：该主体已不在本部门辖区内";

function inDepartmentJurisdiction(
  departmentRegion: string,
  entityRegion: string | null | undefined,
): boolean {
  if (!entityRegion) return false;
  try {
    return entityRegion.startsWith(regionPrefix(departmentRegion));
  } catch {
    return false;
  }
}

export function deliveryJobId(deliveryId: string, attempt: number): string {
  return `deliver-${deliveryId}-${attempt}`;
}

export function idempotencyKey(deliveryId: string): string {
  return `lianjian-delivery-${deliveryId}`;
}

// Makes one attempt of one webhook delivery: checks under the row lock that the attempt is still to
// be made (a late duplicate job stops here), signs and POSTs the alert, records the attempt with the
// delivery's new status in one transaction, and schedules the retry.
@Injectable()
export class WebhookDeliverer {
  private readonly log = new Logger(WebhookDeliverer.name);
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffPolicy;
  // Longer than any attempt can take: past it, an attempt whose worker died may be made again.
  readonly leaseMs: number;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly alerts: AlertRepository,
    private readonly webhooks: DepartmentWebhooks,
    private readonly jobs: JobQueue,
    config: ConfigService,
    @Optional() @Inject(METRICS) private readonly metrics: Metrics = NO_METRICS,
  ) {
    this.timeoutMs = config.getOrThrow<number>('WEBHOOK_TIMEOUT_MS');
    this.maxAttempts = config.getOrThrow<number>('WEBHOOK_MAX_ATTEMPTS');
    this.backoff = {
      baseMs: config.getOrThrow<number>('WEBHOOK_BACKOFF_MS'),
      maxMs: config.getOrThrow<number>('WEBHOOK_BACKOFF_MAX_MS'),
    };
    this.leaseMs = this.timeoutMs + 15_000;
  }

  async deliver(
    deliveryId: string,
    attempt: number,
  ): Promise<{ outcome: AttemptOutcome | 'skipped'; reason?: string }> {
    const begin = await this.deliveries.beginAttempt(deliveryId, attempt, this.leaseMs);
    if (!begin.go) return { outcome: 'skipped', reason: begin.reason };
    const department = begin.departmentCode;
    try {
      const { result, keyId } = await this.send(deliveryId, attempt, begin);
      const c = classifyAttempt(result, attempt, this.maxAttempts);
      const retryDelayMs = c.retry ? backoffDelayMs(attempt, this.backoff) : null;
      const done = await this.deliveries.finishAttempt({
        deliveryId,
        attempt,
        startedAt: begin.startedAt,
        durationMs: result.durationMs,
        httpStatus: result.status ?? null,
        error: c.error,
        outcome: c.outcome,
        keyId,
        retryDelayMs,
      });
      if (!done.recorded) return { outcome: 'skipped', reason: `attempt ${attempt} recorded meanwhile` };
      this.metrics.deliveryAttempt(c.outcome);
      // The exact reason stays here, in the server log; the attempt log holds the generic text.
      const why = result.detail ?? c.error;
      if (c.outcome === 'dead')
        this.log.warn(`delivery ${deliveryId} to ${department} is dead after attempt ${attempt}: ${why}`);
      else if (c.outcome === 'failed')
        this.log.log(`delivery ${deliveryId} to ${department}, attempt ${attempt} failed: ${why}`);
      if (done.retryScheduled && retryDelayMs !== null)
        await this.queueRetry(deliveryId, attempt + 1, retryDelayMs);
      return { outcome: c.outcome };
    } catch (e) {
      // Nothing recorded: give the lease back so that this job's retry can make the attempt.
      await this.deliveries.releaseAttempt(deliveryId).catch(() => undefined);
      throw e;
    }
  }

  // Signs and POSTs the alert; or says why it could not be sent.
  private async send(
    deliveryId: string,
    attempt: number,
    begin: Extract<BeginAttempt, { go: true }>,
  ): Promise<{ result: SendResult; keyId: string | null }> {
    const department = begin.departmentCode;
    if (!begin.webhookUrl)
      return {
        keyId: null,
        result: {
          error: `department ${department} has no webhook URL any more; set one and redeliver`,
          permanent: true,
          durationMs: 0,
        },
      };
    let secret: { keyId: string; secret: string } | undefined;
    try {
      secret = await this.webhooks.signingSecret(department);
    } catch (e) {
      if (!(e instanceof SecretUnreadableError)) throw e;
      return { keyId: null, result: { error: e.message, durationMs: 0 } };
    }
    if (!secret)
      return {
        keyId: null,
        result: {
          error: `department ${department} has no signing secret yet (POST /api/v1/departments/${department}/webhook/secret/rotate)`,
          durationMs: 0,
        },
      };
    const [alert] = await this.alerts.list({ id: begin.alertId, limit: 1 });
    // Only alerts about entities of the department's jurisdiction (辖区): routing sends it those, but
    // the entity may have moved (a new registration) since; the body would carry it as it is now.
    if (
      alert.entityId !== null &&
      !inDepartmentJurisdiction(begin.departmentRegion, alert.entity?.regionCode)
    )
      return { keyId: null, result: { error: OUTSIDE_JURISDICTION, permanent: true, durationMs: 0 } };
    // The receiver sees its own delivery only: not which other departments got the alert, nor
    // their errors.
    const item = alertItem(alert);
    const body = JSON.stringify({
      ...item,
      deliveries: item.deliveries.filter((d) => d.department === department),
      delivery: { id: deliveryId, department, attempt },
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await postWebhook(
      begin.webhookUrl,
      body,
      {
        'Content-Type': 'application/json',
        'User-Agent': 'lianjian-webhook/1',
        'Idempotency-Key': idempotencyKey(deliveryId),
        'X-Lianjian-Delivery': deliveryId,
        'X-Lianjian-Timestamp': String(timestamp),
        'X-Lianjian-Key-Id': secret.keyId,
        'X-Lianjian-Signature': signWebhook(secret.secret, timestamp, body),
        ...(begin.requestId ? { 'X-Request-Id': begin.requestId } : {}),
      },
      this.timeoutMs,
      this.webhooks.targets,
    );
    return { result, keyId: secret.keyId };
  }

  // The fast path for a retry: a delayed job. PostgreSQL holds the schedule too (next_attempt_at), so
  // if Redis refuses the job now the relay queues it when it is due.
  private async queueRetry(deliveryId: string, attempt: number, delayMs: number): Promise<void> {
    try {
      await withTimeout(
        this.jobs.add(
          JobName.DeliverWebhook,
          { deliveryId, attempt },
          { jobId: deliveryJobId(deliveryId, attempt), delay: delayMs },
        ),
        ENQUEUE_TIMEOUT_MS,
      );
    } catch (e) {
      this.log.warn(
        `retry ${attempt} of delivery ${deliveryId} not queued (${(e as Error).message}); the relay will`,
      );
      await this.deliveries.clearEnqueued(deliveryId, attempt).catch(() => undefined);
    }
  }
}
