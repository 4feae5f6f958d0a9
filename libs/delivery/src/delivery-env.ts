import { z } from 'zod';
import { canonicalNetwork } from './webhook-target';

const ms = (min: number, max: number, dflt: number) =>
  z.coerce.number().int().min(min).max(max).default(dflt);

// The key that encrypts webhook signing secrets at rest (api and worker).
export const webhookSecretsEnv = {
  // 32 bytes, base64 (openssl rand -base64 32). Required whatever NODE_ENV says (it defaults to
  // development), except in test runs, which hold no real secrets.
  WEBHOOK_SECRETS_KEY: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine(
      (v) => v === undefined || (/^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32),
      'must be 32 bytes in base64 (e.g. openssl rand -base64 32)',
    ),
};

// Where webhooks may go (api, when a URL is set; worker, before each attempt).
export const webhookTargetEnv = {
  // Networks reached although internal (loopback, private…), and over http:// in production when
  // the URL names the address: comma-separated addresses or CIDRs, e.g. 127.0.0.1,10.20.0.0/16,::1.
  // Empty (the default): public addresses only. The tests, the demo and the benchmarks set
  // 127.0.0.1 for their local receivers.
  WEBHOOK_ALLOWED_NETWORKS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const out: string[] = [];
      for (const entry of v
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean))
        try {
          out.push(canonicalNetwork(entry));
        } catch (e) {
          ctx.addIssue({
            code: 'custom',
            message: `${(e as Error).message} (addresses or CIDRs, comma-separated)`,
          });
        }
      return out;
    }),
};

// Webhook delivery (worker).
export const webhookDeliveryEnv = {
  // One attempt's budget, connect to response headers.
  WEBHOOK_TIMEOUT_MS: ms(100, 120_000, 5000),
  // Backoff after failed attempt n: WEBHOOK_BACKOFF_MS × 2^(n-1) ±20%, at most WEBHOOK_BACKOFF_MAX_MS.
  WEBHOOK_BACKOFF_MS: ms(10, 3_600_000, 1000),
  WEBHOOK_BACKOFF_MAX_MS: ms(10, 86_400_000, 600_000),
  // Attempts before a delivery is dead (dead letter, redeliverable on request).
  WEBHOOK_MAX_ATTEMPTS: ms(1, 1000, 10),
  // The outbox relay also polls this often (besides LISTEN), for due retries and missed notifications.
  OUTBOX_POLL_MS: ms(50, 60_000, 1000),
  // An attempt queued this long after it was due that never completed lost its job (Redis restarted
  // without persistence): it is queued again.
  OUTBOX_STALE_MS: ms(1000, 3_600_000, 30_000),
};

// Secrets must not be encrypted with a key anyone can read in the sources: NODE_ENV left unset is
// development, and a development install may hold real departments' secrets.
export function requireSecretsKey(
  env: { NODE_ENV: string; WEBHOOK_SECRETS_KEY?: string },
  ctx: z.RefinementCtx,
): void {
  if (env.NODE_ENV !== 'test' && !env.WEBHOOK_SECRETS_KEY)
    ctx.addIssue({
      code: 'custom',
      path: ['WEBHOOK_SECRETS_KEY'],
      message: `required (NODE_ENV=${env.NODE_ENV}; only test runs go without): 32 bytes in base64 (openssl rand -base64 32)`,
    });
}
