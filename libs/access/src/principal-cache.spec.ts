import { parseAccessChange, PrincipalCache } from './principal-cache';

describe('PrincipalCache', () => {
  let now = 1_000;
  const cache = () => {
    const c = new PrincipalCache<string>(5_000, 3, () => now);
    c.setLive(true);
    return c;
  };
  beforeEach(() => (now = 1_000));

  it('serves an entry until its time is up, or the bound given (a token’s expiry)', () => {
    const c = cache();
    c.set('a', 'A', ['user:1'], c.generation);
    c.set('b', 'B', ['user:2'], c.generation, now + 1_000);
    now += 1_500;
    expect(c.get('a')).toBe('A');
    expect(c.get('b')).toBeUndefined();
    now += 4_000;
    expect(c.get('a')).toBeUndefined();
  });

  it('drops every entry an access change touches, and only those', () => {
    const c = cache();
    c.set('t1', 'U1', ['user:1', 'token:h1'], c.generation);
    c.set('t2', 'U1', ['user:1', 'token:h2'], c.generation);
    c.set('k', 'K', ['apiKey:1'], c.generation);
    c.invalidate({ kind: 'token', id: 'h2' });
    expect([c.get('t1'), c.get('t2'), c.get('k')]).toEqual(['U1', undefined, 'K']);
    c.invalidate({ kind: 'user', id: '1' });
    expect([c.get('t1'), c.get('k')]).toEqual([undefined, 'K']);
    c.invalidate({ kind: 'apiKey', id: '1' });
    expect(c.get('k')).toBeUndefined();
  });

  it('does not store what a lookup read before an invalidation came', () => {
    const c = cache();
    const before = c.generation;
    c.invalidate({ kind: 'user', id: '9' });
    c.set('t', 'stale', ['user:9'], before);
    expect(c.get('t')).toBeUndefined();
  });

  it('serves and keeps nothing while changes are not heard, and starts empty when they are again', () => {
    const c = cache();
    c.set('t', 'U', ['user:1'], c.generation);
    c.setLive(false);
    expect(c.get('t')).toBeUndefined();
    c.set('t', 'U', ['user:1'], c.generation);
    c.setLive(true);
    expect(c.get('t')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('is off with a time of 0', () => {
    const c = new PrincipalCache<string>(0);
    c.setLive(true);
    c.set('t', 'U', [], c.generation);
    expect(c.get('t')).toBeUndefined();
  });

  it('stays bounded', () => {
    const c = cache();
    for (const k of ['a', 'b', 'c', 'd']) c.set(k, k, [], c.generation);
    expect(c.size).toBeLessThanOrEqual(3);
  });

  it('reads access changes from notifications, nothing else', () => {
    expect(parseAccessChange('{"kind":"user","id":"7"}')).toEqual({ kind: 'user', id: '7' });
    expect(parseAccessChange('{"kind":"root","id":"7"}')).toBeUndefined();
    expect(parseAccessChange('not json')).toBeUndefined();
  });
});
