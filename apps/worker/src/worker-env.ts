import { z } from 'zod';
import { baseEnvSchema } from '@lianjian/common';
import { parseQueueList } from '@lianjian/queue';

export const workerEnvSchema = baseEnvSchema.extend({
  // Which queues this process serves: comma-separated names (ingest, scoring, rules) or * for all.
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
  // Batches accepted but not applied after this long are enqueued again (their job was lost).
  SWEEP_AFTER_SECONDS: z.coerce.number().int().min(1).max(86400).default(30),
  SCORING_MODEL: z.string().min(1).default('scoring/scorecard-v1.json'),
  // When the health of every feed is checked (cron, in FEED_CHECK_TZ); stalled or empty feeds raise
  // alerts to the department that sends them. Empty: no scheduled check.
  FEED_CHECK_CRON: z.string().default('15 * * * *'),
  FEED_CHECK_TZ: z.string().min(1).default('Asia/Shanghai'),
});
export type WorkerEnv = z.infer<typeof workerEnvSchema>;
