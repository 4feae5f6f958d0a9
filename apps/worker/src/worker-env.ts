import { z } from 'zod';
import { baseEnvSchema } from '@lianjian/common';
import { parseQueueList } from '@lianjian/queue';
import {
  requireSecretsKey,
  webhookDeliveryEnv,
  webhookSecretsEnv,
  webhookTargetEnv,
} from '@lianjian/delivery';
import { metricsEnv, requireMetricsToken } from '@lianjian/observability';

const cron = z
  .string()
  .trim()
  .refine(
    (v) => v === '' || /^\S+(\s+\S+){4,5}$/.test(v),
    'must be a cron pattern of 5 or 6 fields, or empty',
  );
const ianaZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone, e.g. Asia/Shanghai');
const timeZone = ianaZone.default('Asia/Shanghai');

const workerEnvObject = baseEnvSchema.extend({
  // Which queues this process serves: comma-separated names (ingest, scoring, rules, delivery, backtest) or *
  // for all.
  WORKER_QUEUES: z
    .string()
    .default('*')
    .transform((v, ctx) => {
      try {
        return parseQueueList(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }),
  // Batches accepted but not applied, and chunks of score runs not done, after this long are enqueued
  // again when their job was lost (Redis restarted empty) or failed for good.
  SWEEP_AFTER_SECONDS: z.coerce.number().int().min(1).max(86400).default(30),
  // The time zone of the schedules (FEED_CHECK_CRON, ESCALATION_CRON, CASE_OVERDUE_CRON, PUBLICATION_OVERDUE_CRON,
  // FILE_RETENTION_CRON, SCORE_RETENTION_CRON); default Asia/Shanghai. FEED_CHECK_TZ, its old name, is still accepted:
  // SCHEDULES_TZ wins when both are set.
  SCHEDULES_TZ: ianaZone.optional(),
  FEED_CHECK_TZ: ianaZone.optional(),
  // When the health of every feed is checked (cron, in SCHEDULES_TZ); stalled or empty feeds raise
  // alerts to the department that sends them. Empty: no scheduled check.
  FEED_CHECK_CRON: cron.default('15 * * * *'),
  // When deliveries are checked against their acknowledgement SLA (cron, in SCHEDULES_TZ); overdue
  // ones go to the delivery_overdue rules. Empty: no check.
  ESCALATION_CRON: cron.default('*/10 * * * *'),
  // When joint-enforcement case tasks are checked against their due dates (cron, in SCHEDULES_TZ);
  // late ones go to the case_overdue rules (a reminder, then an escalation). Empty: no check.
  CASE_OVERDUE_CRON: cron.default('*/15 * * * *'),
  // When random inspection results are checked against their publication deadline (20 working days
  // after the inspection; cron, in SCHEDULES_TZ); late ones go to the publication_overdue rules once.
  // Empty: no check.
  PUBLICATION_OVERDUE_CRON: cron.default('30 9 * * *'),
  // When stored upload files older than INGEST_RETENTION_DAYS are purged (cron, in SCHEDULES_TZ; the
  // ingest queue's purge-files job). Empty: never.
  FILE_RETENTION_CRON: cron.default('40 3 * * *'),
  // A full run writes a new score row for an entity when its class, class before floors, floors or
  // model changed, or its score moved by at least this many points since its current score (issue
  // 15); otherwise it records only that the run checked the entity (its profile). Time-decayed
  // features move most scores by a tenth of a point now and then with no new record: compared
  // exactly (0), ~8% of entities would get a row a night, with the default 1 point under 1%. The
  // current score then stays within this many points of the day's. Scores after a new record
  // (record-triggered) are compared exactly whatever this says.
  SCORE_RUN_MIN_CHANGE: z.coerce.number().min(0).max(20).default(1),
  // Score history retention (issue 15): score rows computed more than this many months ago are
  // deleted by the scoring queue's purge-score-history job, except each entity's current score, the
  // scores that set or changed its class and the score just before each class change. 0 (the
  // default): the history is kept whole. A month or more otherwise; at most 100 years.
  SCORE_HISTORY_RETENTION_MONTHS: z.coerce.number().int().min(0).max(1200).default(0),
  // When the score history retention runs (cron, in SCHEDULES_TZ), if SCORE_HISTORY_RETENTION_MONTHS
  // is set: by default 04:20, after the nightly run (02:00) has normally finished (the purge waits
  // for the next tick while a full run is running). Empty: never.
  SCORE_RETENTION_CRON: cron.default('20 4 * * *'),
  // When the nightly full scoring run starts (cron, in SCORING_TZ). Empty: no scheduled run.
  SCORING_CRON: cron.default('0 2 * * *'),
  SCORING_TZ: timeZone,
  // Webhook delivery: signing-secret key, timeouts, backoff, dead letter, outbox relay.
  ...webhookSecretsEnv,
  ...webhookTargetEnv,
  ...webhookDeliveryEnv,
  // The worker's metrics listener (METRICS_PORT, METRICS_HOST, METRICS_TOKEN).
  ...metricsEnv,
});
export const workerEnvSchema = workerEnvObject
  .superRefine(requireSecretsKey)
  .superRefine(requireMetricsToken)
  // One name for the schedules' time zone from here on.
  .transform(({ FEED_CHECK_TZ, SCHEDULES_TZ, ...env }) => ({
    ...env,
    SCHEDULES_TZ: SCHEDULES_TZ ?? FEED_CHECK_TZ ?? 'Asia/Shanghai',
  }));
export type WorkerEnv = z.infer<typeof workerEnvSchema>;
