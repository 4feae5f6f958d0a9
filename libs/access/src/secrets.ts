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

// A one-time TOTP enrolment code (一次性绑定码), which an administrator needs to enrol a second factor:
// 16 characters of an alphabet without look-alikes (no I, O, 0, 1), in groups of four (80 bits).
// Stored only as the SHA-256 of its normal form, so it may be typed in any case, with or without
// dashes or spaces.
const ENROLMENT_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const ENROLMENT_CODE_TTL_HOURS = 72;

export function newEnrolmentCode(): string {
  const chars = [...randomBytes(16)].map((b) => ENROLMENT_CODE_ALPHABET[b & 31]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

export function enrolmentCodeHash(code: string): string {
  return secretHash(`totp-enrolment:${code.toUpperCase().replace(/[\s-]/g, '')}`);
}
