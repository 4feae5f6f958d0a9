import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

// Used only by test runs (NODE_ENV=test) that set no WEBHOOK_SECRETS_KEY: secrets stored with it are
// only as safe as this source file, so every other process refuses to start without a key.
export const TEST_SECRETS_KEY = createHash('sha256')
  .update('lianjian test webhook secrets key: never outside NODE_ENV=test')
  .digest();

export function parseSecretsKey(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('WEBHOOK_SECRETS_KEY must be 32 bytes in base64');
  return key;
}

// AES-256-GCM; the stored value is version || iv || tag || ciphertext. The additional data binds a
// ciphertext to its department and key id, so a row copied onto another department does not decrypt.
export function encryptSecret(key: Buffer, secret: string, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const data = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, c.getAuthTag(), data]);
}

export function decryptSecret(key: Buffer, stored: Buffer, aad: string): string {
  if (stored[0] !== VERSION) throw new Error(`unknown secret format ${stored[0]}`);
  const iv = stored.subarray(1, 1 + IV_BYTES);
  const tag = stored.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(tag);
  return Buffer.concat([d.update(stored.subarray(1 + IV_BYTES + TAG_BYTES)), d.final()]).toString('utf8');
}

// whsec_ + 32 random bytes: receivers use the whole string as the HMAC key.
export function newWebhookSecret(): { keyId: string; secret: string } {
  return {
    keyId: `k_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`,
    secret: `whsec_${randomBytes(32).toString('base64url')}`,
  };
}
