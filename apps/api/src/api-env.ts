import { z } from 'zod';
import { baseEnvSchema } from '@lianjian/common';
import { requireSecretsKey, webhookSecretsEnv, webhookTargetEnv } from '@lianjian/delivery';

const apiEnvObject = baseEnvSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Largest JSON body accepted (a full batch of 10,000 records is ~5-15 MB).
  BODY_LIMIT_MB: z.coerce.number().positive().max(512).default(32),
  // Encrypts the webhook signing secrets that POST …/webhook/secret/rotate creates.
  ...webhookSecretsEnv,
  // Where a webhook URL may point (refused when set otherwise).
  ...webhookTargetEnv,
  // How long a bearer token from POST /api/v1/auth/login lasts (default: one working day).
  ACCESS_TOKEN_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(480),
  // Failed sign-ins allowed per user name within the window (4× that per client address).
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  // OpenAPI at /docs and /docs-json: unset means on, but off when NODE_ENV is production.
  API_DOCS: z.enum(['on', 'off']).optional(),
});
export const apiEnvSchema = apiEnvObject.superRefine(requireSecretsKey);
export type ApiEnv = z.infer<typeof apiEnvSchema>;
