import { createHash, randomBytes } from 'node:crypto';

// Bearer tokens and API keys are random (256 bits) and stored only as their SHA-256: a leaked table
// does not let anyone sign in. The prefix says what a credential is when it turns up in a config file.
export function newAccessToken(): string {
  return `ljt_${randomBytes(32).toString('base64url')}`;
}

export function newApiKey(): string {
  return `ljk_${randomBytes(32).toString('base64url')}`;
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

// What an operator may see of a key after it was created: enough to tell keys apart.
export function secretHint(secret: string): string {
  return `${secret.slice(0, 8)}…`;
}
