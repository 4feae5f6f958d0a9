export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  // ± this fraction, so that deliveries failing together do not retry together.
  jitter?: number;
}

// Delay before the attempt after `attempt` (1-based) failed: base × 2^(attempt-1), ±20% jitter,
// never more than maxMs.
export function backoffDelayMs(
  attempt: number,
  p: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const raw = p.baseMs * 2 ** Math.max(0, attempt - 1);
  const jitter = p.jitter ?? 0.2;
  const jittered = raw * (1 + jitter * (2 * random() - 1));
  return Math.max(0, Math.round(Math.min(p.maxMs, jittered)));
}
