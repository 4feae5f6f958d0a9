import { csrfFor, csrfMatches, parseCookies, serializeCookie } from './session-cookies';

describe('console session cookies', () => {
  it('parses a Cookie header: trims, unquotes, decodes, keeps the first of a repeated name', () => {
    expect(parseCookies('a=1; b = two ;c="q v"; d=%E8%81%94%E7%9B%91; a=again; flag; e=x=y; f=%E0')).toEqual({
      a: '1',
      b: 'two',
      c: 'q v',
      d: '联监',
      e: 'x=y',
      f: '%E0',
    });
    expect(parseCookies(undefined)).toEqual({});
    expect(parseCookies('')).toEqual({});
    // No prototype keys answer for cookies that were not sent.
    expect(parseCookies('x=1').constructor).toBeUndefined();
    expect(parseCookies('__proto__=1; toString=2')).toMatchObject({ toString: '2' });
  });

  it('serializes a cookie with its flags', () => {
    expect(
      serializeCookie('lj_session', 'ljt_abc', { httpOnly: true, secure: true, maxAgeSeconds: 60.7 }),
    ).toBe('lj_session=ljt_abc; Path=/; Max-Age=60; SameSite=Strict; HttpOnly; Secure');
    expect(serializeCookie('lj_csrf', '', { httpOnly: false, secure: false, maxAgeSeconds: -5 })).toBe(
      'lj_csrf=; Path=/; Max-Age=0; SameSite=Strict',
    );
  });

  it('derives a CSRF value from the token that reveals nothing of it and matches only itself', () => {
    const token = 'ljt_' + 'A'.repeat(43);
    const v = csrfFor(token);
    expect(v).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(v).not.toContain('AAAA');
    expect(csrfFor(token)).toBe(v);
    expect(csrfFor(token + 'B')).not.toBe(v);
    expect(csrfMatches(token, v)).toBe(true);
    expect(csrfMatches(token, v.slice(1))).toBe(false);
    expect(csrfMatches(token, '')).toBe(false);
    expect(csrfMatches(token, undefined)).toBe(false);
    expect(csrfMatches(token, [v, v])).toBe(false);
  });
});
