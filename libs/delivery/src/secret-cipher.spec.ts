import { randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret, newWebhookSecret, parseSecretsKey } from './secret-cipher';

describe('webhook secret encryption (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('round-trips, and the stored bytes do not contain the secret', () => {
    const { secret } = newWebhookSecret();
    const stored = encryptSecret(key, secret, 'webhook-secret:330106-TAX:k1');
    expect(stored.includes(Buffer.from(secret))).toBe(false);
    expect(decryptSecret(key, stored, 'webhook-secret:330106-TAX:k1')).toBe(secret);
  });

  it('refuses another key, another department or key id, and a tampered byte', () => {
    const stored = encryptSecret(key, 'whsec_x', 'webhook-secret:A:k1');
    expect(() => decryptSecret(randomBytes(32), stored, 'webhook-secret:A:k1')).toThrow();
    expect(() => decryptSecret(key, stored, 'webhook-secret:B:k1')).toThrow();
    const tampered = Buffer.from(stored);
    tampered[tampered.length - 1] ^= 1;
    expect(() => decryptSecret(key, tampered, 'webhook-secret:A:k1')).toThrow();
  });

  it('accepts only a 32-byte base64 key', () => {
    expect(parseSecretsKey(randomBytes(32).toString('base64'))).toHaveLength(32);
    expect(() => parseSecretsKey(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });

  it('makes distinct key ids and secrets', () => {
    const a = newWebhookSecret();
    const b = newWebhookSecret();
    expect(a.keyId).not.toBe(b.keyId);
    expect(a.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a.secret).not.toBe(b.secret);
  });
});
