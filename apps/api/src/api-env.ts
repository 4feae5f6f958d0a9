import { z } from 'zod';
import { baseEnvSchema } from '@lianjian/common';

export const apiEnvSchema = baseEnvSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Largest JSON body accepted (a full batch of 10,000 records is ~5-15 MB).
  BODY_LIMIT_MB: z.coerce.number().positive().max(512).default(32),
});
export type ApiEnv = z.infer<typeof apiEnvSchema>;
