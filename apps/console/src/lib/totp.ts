// 绑定动态口令 (enrolling the second factor, TOTP RFC 6238): the enrolment screen's steps, its forms
// as the API's bodies, and the secret as a person reads it off the screen into an authenticator app.
// The API decides every request again (a wrong or used enrolment code, a wrong one-time code): this
// only keeps the screen from sending what it already knows the API refuses.

export type EnrolStep = 'code' | 'secret' | 'confirm';

// The steps a user goes through: an administrator (三员) first enters the one-time enrolment code
// (一次性绑定码) a security administrator issued; anyone else starts at once (no code needed).
export function enrolSteps(administrator: boolean): EnrolStep[] {
  return administrator ? ['code', 'secret', 'confirm'] : ['secret', 'confirm'];
}

// A base32 secret in groups of four (ABCD EFGH …), to read and type without losing one's place;
// whatever the API answered (spaces, lower case) as upper-case groups.
export function groupSecret(secret: string, size = 4): string {
  const plain = secret.replace(/\s+/g, '').toUpperCase();
  return (plain.match(new RegExp(`.{1,${size}}`, 'g')) ?? []).join(' ');
}

// The enrolment code as typed (spaces, lower case, a missing or extra dash from copying): its 16
// letters and digits, upper case, in the ABCD-EFGH-JKMN-PQRS form it was issued in. Anything that
// is not 16 of them is sent as typed (trimmed): the API says what is wrong with it.
export function normaliseEnrolmentCode(typed: string | undefined): string {
  const trimmed = (typed ?? '').trim();
  const plain = trimmed.replace(/[\s-]+/g, '').toUpperCase();
  if (!/^[A-Z0-9]{16}$/.test(plain)) return trimmed;
  return plain.match(/.{4}/g)!.join('-');
}

// POST /api/v1/auth/totp/enrol's body: an administrator sends the code (empty: sent empty, so the API
// explains that an administrator needs one); anyone else sends nothing.
export function enrolBody(administrator: boolean, typed: string | undefined): { enrolmentCode?: string } {
  if (!administrator) return {};
  return { enrolmentCode: normaliseEnrolmentCode(typed) };
}

// The six digits of the authenticator app as typed (an app may show them as 123 456): digits only.
export function normaliseTotpCode(typed: string | undefined): string {
  return (typed ?? '').replace(/[\s-]+/g, '');
}

// POST /api/v1/auth/totp/confirm's body, or null when it is not six digits (the form says so before
// anything is sent).
export function confirmBody(typed: string | undefined): { code: string } | null {
  const code = normaliseTotpCode(typed);
  return /^\d{6}$/.test(code) ? { code } : null;
}

// The account and issuer an otpauth:// URI names (what the authenticator app will list), to tell the
// user what to look for after scanning; null when the URI cannot be read.
export function otpauthAccount(uri: string): { issuer: string | null; account: string } | null {
  const m = /^otpauth:\/\/totp\/([^?]*)(?:\?(.*))?$/i.exec(uri);
  if (!m) return null;
  let label: string;
  try {
    label = decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
  const params = new URLSearchParams(m[2] ?? '');
  const at = label.indexOf(':');
  const account = at >= 0 ? label.slice(at + 1).trim() : label;
  const issuer = params.get('issuer') ?? (at >= 0 ? label.slice(0, at) : null);
  return account ? { issuer, account } : null;
}
