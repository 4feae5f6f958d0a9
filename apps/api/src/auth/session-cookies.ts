import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

// The console's cookie session (控制台会话, issue 14). One origin serves the console and the API, so
// the console signs in with POST /api/v1/auth/session and holds its token in an httpOnly cookie no
// script can read; a readable second cookie carries the CSRF value the console echoes in
// X-CSRF-Token on every write (double submit), which the access guard checks against the session.
export const SESSION_COOKIE = 'lj_session';
export const CSRF_COOKIE = 'lj_csrf';
export const CSRF_HEADER = 'x-csrf-token';

// The CSRF value of a session: SHA-256 of the token under a fixed domain label, not an HMAC keyed by
// a server secret. The token is 256 random bits no attacker knows, so a one-way function of it is
// already unguessable and reveals nothing of the token (the value is readable by the page's
// scripts); an HMAC key would add no strength, yet would be one more secret to configure, share
// between api processes and rotate (rotating it would end every console session). The label keeps
// the value apart from the token's stored hash (secretHash: plain SHA-256, access_token.token_hash),
// so neither a leak of the token table gives the CSRF values nor the reverse.
const CSRF_LABEL = 'lianjian/console-csrf/v1\0';

export function csrfFor(token: string): string {
  return createHash('sha256').update(CSRF_LABEL).update(token).digest('base64url');
}

// Whether the header equals the session's CSRF value, compared in constant time (both are hashed to
// the same length first, so neither the length nor the content leaks through timing).
export function csrfMatches(token: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || header === '') return false;
  const want = createHash('sha256').update(csrfFor(token)).digest();
  const got = createHash('sha256').update(header).digest();
  return timingSafeEqual(want, got);
}

// A Cookie header's pairs (RFC 6265 §5.4): "a=1; b=2". The first of a repeated name wins (the most
// specific path comes first); a value in double quotes loses them; a value that is not valid
// percent-encoding is kept as sent. Names without "=" are ignored.
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in out) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

export function sessionTokenOf(req: Request): string | undefined {
  const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
  return token ? token : undefined;
}

// The token a request was authenticated with: the bearer header, else the session cookie (as the
// access guard chooses: a header always wins, an API key has no token).
export function requestToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string' && header !== '') return /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (req.headers['x-api-key']) return undefined;
  return sessionTokenOf(req);
}

interface CookieOptions {
  httpOnly: boolean;
  secure: boolean;
  maxAgeSeconds: number;
}

export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(o.maxAgeSeconds))}`,
    'SameSite=Strict',
    ...(o.httpOnly ? ['HttpOnly'] : []),
    ...(o.secure ? ['Secure'] : []),
  ].join('; ');
}

// Sets both cookies for a token until it expires. Secure when the request came over TLS (req.secure
// honours X-Forwarded-Proto from the proxies TRUST_PROXY names).
export function setSessionCookies(req: Request, res: Response, token: string, expiresAt: Date): void {
  const maxAgeSeconds = (expiresAt.getTime() - Date.now()) / 1000;
  const secure = req.secure;
  res.append('Set-Cookie', [
    serializeCookie(SESSION_COOKIE, token, { httpOnly: true, secure, maxAgeSeconds }),
    serializeCookie(CSRF_COOKIE, csrfFor(token), { httpOnly: false, secure, maxAgeSeconds }),
  ]);
}

export function clearSessionCookies(req: Request, res: Response): void {
  const secure = req.secure;
  res.append('Set-Cookie', [
    serializeCookie(SESSION_COOKIE, '', { httpOnly: true, secure, maxAgeSeconds: 0 }),
    serializeCookie(CSRF_COOKIE, '', { httpOnly: false, secure, maxAgeSeconds: 0 }),
  ]);
}

export const isSafeMethod = (method: string): boolean => ['GET', 'HEAD', 'OPTIONS'].includes(method);
