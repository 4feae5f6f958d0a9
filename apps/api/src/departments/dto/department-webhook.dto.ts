import { z } from 'zod';

const webhookUrl = z
  .string()
  .trim()
  .max(2048, 'url must be at most 2048 characters')
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'url must be an absolute https:// or http:// URL')
  // Credentials in a URL would be shown back by GET; the signature is how a receiver authenticates us.
  .refine((v) => !/^[a-z]+:\/\/[^/]*@/i.test(v), 'url must not contain user:password@');

export const setWebhookBody = z.strictObject({
  url: webhookUrl.nullable(),
});
export type SetWebhookBody = z.infer<typeof setWebhookBody>;
