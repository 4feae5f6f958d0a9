// The delivery's state after an attempt: delivered, failed (to be retried) or dead (dead letter).
export type AttemptOutcome = 'delivered' | 'failed' | 'dead';

// What one attempt came to, before any decision: an HTTP status, or a transport error (timeout,
// refused, reset…), or a reason it could not be sent at all.
export interface TransportResult {
  status?: number;
  statusText?: string;
  // What the attempt log and the API say: generic text (see NO_ANSWER in webhook-sender.ts).
  error?: string;
  // The exact reason (refused, timed out, which address), for the server log only.
  detail?: string;
  // Nothing a retry can fix (e.g. the department has no webhook URL any more).
  permanent?: boolean;
}

export interface Classified {
  outcome: AttemptOutcome;
  error: string | null;
  retry: boolean;
}

// 2xx: delivered. 410 Gone: the receiver retired the endpoint, dead at once. Anything else is
// retried until maxAttempts, then dead with the last error.
export function classifyAttempt(r: TransportResult, attempt: number, maxAttempts: number): Classified {
  if (r.status !== undefined && r.status >= 200 && r.status < 300)
    return { outcome: 'delivered', error: null, retry: false };
  if (r.status === 410)
    return { outcome: 'dead', error: 'HTTP 410 Gone: the receiver retired this endpoint', retry: false };
  const error =
    r.status !== undefined
      ? `HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''}`
      : (r.error ?? 'unknown error');
  if (r.permanent || attempt >= maxAttempts) return { outcome: 'dead', error, retry: false };
  return { outcome: 'failed', error, retry: true };
}
