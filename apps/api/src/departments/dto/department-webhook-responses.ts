import { z } from 'zod';

// What a department's webhook routes answer, for the OpenAPI document (and the console's client).
const when = z.string().describe('ISO 8601 instant');

export const webhookResponse = z.object({
  department: z.string(),
  url: z.string().nullable().describe('null: alerts go to the inbox'),
  secrets: z.array(
    z.object({
      keyId: z.string(),
      status: z.enum(['active', 'retired']),
      createdAt: when,
      retiredAt: when.nullable(),
    }),
  ),
});

export const webhookSetResponse = z.object({ department: z.string(), url: z.string().nullable() });

export const webhookRotatedResponse = z.object({
  keyId: z.string(),
  secret: z.string().describe('shown in this answer only'),
  createdAt: when,
});
