import { describe, expect, it } from 'vitest';
import { memo, prefetcher } from './prefetch';

function counting() {
  const calls: string[] = [];
  const fetch = (key: string) => {
    calls.push(key);
    return key === 'bad' ? Promise.reject(new Error(`no ${key}`)) : Promise.resolve(`${key}#${calls.length}`);
  };
  return { calls, fetch };
}

describe('prefetcher', () => {
  it('hands the prefetched answer to the screen once, and fetches again after', async () => {
    const { calls, fetch } = counting();
    const p = prefetcher(fetch);
    p.start('e1');
    expect(calls).toEqual(['e1']);
    await expect(p.take('e1')).resolves.toBe('e1#1');
    expect(calls).toEqual(['e1']);
    await expect(p.take('e1')).resolves.toBe('e1#2');
    expect(calls).toEqual(['e1', 'e1']);
  });

  it('fetches anew when the prefetched answer is stale or for another key', async () => {
    let t = 0;
    const { calls, fetch } = counting();
    const p = prefetcher(fetch, { freshMs: 1000, now: () => t });
    p.start('e1');
    t = 1001;
    await expect(p.take('e1')).resolves.toBe('e1#2');
    p.start('e2');
    await expect(p.take('e3')).resolves.toBe('e3#4');
    expect(calls).toEqual(['e1', 'e1', 'e2', 'e3']);
  });

  it('keeps a failure for whoever takes it, without an unhandled rejection meanwhile', async () => {
    const { fetch } = counting();
    const p = prefetcher(fetch);
    p.start('bad');
    await new Promise((r) => setTimeout(r, 0));
    await expect(p.take('bad')).rejects.toThrow('no bad');
  });

  it('keeps only the last few prefetches', async () => {
    const { calls, fetch } = counting();
    const p = prefetcher(fetch, { max: 2 });
    for (const k of ['a', 'b', 'c']) p.start(k);
    await p.take('a'); // dropped: fetched again
    await p.take('c');
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
  });
});

describe('memo', () => {
  it('fetches a key once and can be read at once after it arrived', async () => {
    const { calls, fetch } = counting();
    const m = memo(fetch);
    expect(m.peek('v1')).toBeUndefined();
    const [x, y] = await Promise.all([m.get('v1'), m.get('v1')]);
    expect([x, y]).toEqual(['v1#1', 'v1#1']);
    expect(m.peek('v1')).toBe('v1#1');
    expect(calls).toEqual(['v1']);
  });

  it('does not remember a failure', async () => {
    const { calls, fetch } = counting();
    const m = memo(fetch);
    await expect(m.get('bad')).rejects.toThrow();
    await expect(m.get('bad')).rejects.toThrow();
    expect(calls).toEqual(['bad', 'bad']);
    expect(m.peek('bad')).toBeUndefined();
  });
});
