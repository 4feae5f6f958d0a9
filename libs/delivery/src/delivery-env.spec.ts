import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseEnv } from '@lianjian/common';
import { requireSecretsKeyInProduction, webhookDeliveryEnv, webhookSecretsEnv } from './delivery-env';

const schema = z
  .object({ NODE_ENV: z.string().default('development'), ...webhookSecretsEnv, ...webhookDeliveryEnv })
  .superRefine(requireSecretsKeyInProduction);

describe('webhook delivery environment', () => {
  it('has the documented defaults and no key outside production', () => {
    expect(parseEnv(schema, {})).toEqual({
      NODE_ENV: 'development',
      WEBHOOK_SECRETS_KEY: undefined,
      WEBHOOK_TIMEOUT_MS: 5000,
      WEBHOOK_BACKOFF_MS: 1000,
      WEBHOOK_BACKOFF_MAX_MS: 600_000,
      WEBHOOK_MAX_ATTEMPTS: 10,
      OUTBOX_POLL_MS: 1000,
      OUTBOX_STALE_MS: 30_000,
    });
  });

  it('requires the secrets key in production, and masks a malformed one', () => {
    expect(() => parseEnv(schema, { NODE_ENV: 'production' })).toThrow(
      /WEBHOOK_SECRETS_KEY: required when NODE_ENV=production.*\(not set\)/,
    );
    const short = randomBytes(16).toString('base64');
    let msg = '';
    try {
      parseEnv(schema, { WEBHOOK_SECRETS_KEY: short });
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/WEBHOOK_SECRETS_KEY: must be 32 bytes in base64/);
    expect(msg).not.toContain(short);
    const key = randomBytes(32).toString('base64');
    expect(parseEnv(schema, { NODE_ENV: 'production', WEBHOOK_SECRETS_KEY: key }).WEBHOOK_SECRETS_KEY).toBe(
      key,
    );
  });

  it('refuses a timeout or attempt count out of range', () => {
    expect(() => parseEnv(schema, { WEBHOOK_TIMEOUT_MS: '0', WEBHOOK_MAX_ATTEMPTS: 'ten' })).toThrow(
      /WEBHOOK_TIMEOUT_MS[\s\S]*WEBHOOK_MAX_ATTEMPTS/,
    );
  });
});
