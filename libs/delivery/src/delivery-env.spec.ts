import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseEnv } from '@lianjian/common';
import { requireSecretsKey, webhookDeliveryEnv, webhookSecretsEnv, webhookTargetEnv } from './delivery-env';

// As the apps' schemas assemble it: NODE_ENV defaults to development when unset.
const schema = z
  .object({
    NODE_ENV: z.string().default('development'),
    ...webhookSecretsEnv,
    ...webhookTargetEnv,
    ...webhookDeliveryEnv,
  })
  .superRefine(requireSecretsKey);

describe('webhook delivery environment', () => {
  it('has the documented defaults, and no key only in test runs', () => {
    expect(parseEnv(schema, { NODE_ENV: 'test' })).toEqual({
      NODE_ENV: 'test',
      WEBHOOK_SECRETS_KEY: undefined,
      WEBHOOK_ALLOWED_NETWORKS: [],
      WEBHOOK_TIMEOUT_MS: 5000,
      WEBHOOK_BACKOFF_MS: 1000,
      WEBHOOK_BACKOFF_MAX_MS: 600_000,
      WEBHOOK_MAX_ATTEMPTS: 10,
      OUTBOX_POLL_MS: 1000,
      OUTBOX_STALE_MS: 30_000,
    });
  });

  it('requires the secrets key whenever NODE_ENV is not test (unset is development), and masks a malformed one', () => {
    for (const env of [{}, { NODE_ENV: 'development' }, { NODE_ENV: 'production' }])
      expect(() => parseEnv(schema, env)).toThrow(
        /WEBHOOK_SECRETS_KEY: required \(NODE_ENV=\w+;.*\(not set\)/,
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
    for (const NODE_ENV of ['development', 'production'])
      expect(parseEnv(schema, { NODE_ENV, WEBHOOK_SECRETS_KEY: key }).WEBHOOK_SECRETS_KEY).toBe(key);
  });

  it('reads the allow-list of webhook networks into canonical CIDRs, refusing what is no address', () => {
    const nets = (v: string) =>
      parseEnv(schema, { NODE_ENV: 'test', WEBHOOK_ALLOWED_NETWORKS: v }).WEBHOOK_ALLOWED_NETWORKS;
    expect(nets(' 127.0.0.1 , 10.20.0.0/16,::1,[::ffff:192.168.1.9]')).toEqual([
      '127.0.0.1/32',
      '10.20.0.0/16',
      '0:0:0:0:0:0:0:1/128',
      '0:0:0:0:0:ffff:c0a8:109/128',
    ]);
    expect(nets('')).toEqual([]);
    expect(() => nets('intranet.example.gov.cn')).toThrow(
      /WEBHOOK_ALLOWED_NETWORKS: intranet.example.gov.cn is not an IP address or network/,
    );
    expect(() => nets('10.0.0.0/33')).toThrow(
      /WEBHOOK_ALLOWED_NETWORKS: 10.0.0.0\/33: the prefix length must be 0 to 32/,
    );
  });

  it('refuses a timeout or attempt count out of range', () => {
    expect(() =>
      parseEnv(schema, { NODE_ENV: 'test', WEBHOOK_TIMEOUT_MS: '0', WEBHOOK_MAX_ATTEMPTS: 'ten' }),
    ).toThrow(/WEBHOOK_TIMEOUT_MS[\s\S]*WEBHOOK_MAX_ATTEMPTS/);
  });
});
