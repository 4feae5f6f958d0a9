import { backoffDelayMs } from './backoff';

describe('backoffDelayMs', () => {
  const policy = { baseMs: 1000, maxMs: 600_000 };

  it('doubles per attempt without jitter (random = 0.5)', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, policy, () => 0.5))).toEqual([
      1000, 2000, 4000, 8000, 16000,
    ]);
  });

  it('jitters by at most ±20%', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(3200);
    expect(backoffDelayMs(3, policy, () => 0.999999)).toBe(4800);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelayMs(2, policy);
      expect(d).toBeGreaterThanOrEqual(1600);
      expect(d).toBeLessThanOrEqual(2400);
    }
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(backoffDelayMs(10, policy, () => 0.5)).toBe(512_000);
    expect(backoffDelayMs(11, policy, () => 0.5)).toBe(600_000);
    expect(backoffDelayMs(200, policy, () => 1)).toBe(600_000);
  });

  it('keeps successive delays apart: attempt n+1 always waits longer than attempt n', () => {
    // 1.2 × base × 2^(n-1) < 0.8 × base × 2^n: the ranges never overlap below the cap.
    expect(backoffDelayMs(1, policy, () => 0.999999)).toBeLessThan(backoffDelayMs(2, policy, () => 0));
  });
});
