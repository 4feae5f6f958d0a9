import { z } from 'zod';
import { baseEnvSchema } from '@lianjian/common';
import { requireSecretsKeyInProduction, webhookSecretsEnv } from '@lianjian/delivery';

const apiEnvObject = baseEnvSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Largest JSON body accepted (a full batch of 10,000 records is ~5-15 MB).
  BODY_LIMIT_MB: z.coerce.number().positive().max(512).default(32),
  // Encrypts the webhook signing secrets that POST …/webhook/secret/rotate creates.
  ...webhookSecretsEnv,
});
export const apiEnvSchema = apiEnvObject.superRefine(requireSecretsKeyInProduction);
export type ApiEnv = z.infer<typeof apiEnvSchema>;
