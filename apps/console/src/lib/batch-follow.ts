// Following a batch to its end (GET /api/v1/batches/{id} polled while queued or processing): its
// step for the steps bar, its progress, and when to ask again.
export type BatchStatus = 'queued' | 'processing' | 'done' | 'failed';

export function isFinal(status: BatchStatus): boolean {
  return status === 'done' || status === 'failed';
}

// Steps: 0 received (queued), 1 processing, 2 finished (done or failed).
export function stepOf(status: BatchStatus): number {
  return status === 'queued' ? 0 : status === 'processing' ? 1 : 2;
}

// A percent for the bar: queued 10, processing 50, finished 100 (the API counts rows only at the end).
export function batchPercent(status: BatchStatus): number {
  return { queued: 10, processing: 50, done: 100, failed: 100 }[status];
}

// Poll quickly at first, then back off to every 5 s (a large file may take minutes).
export function pollDelayMs(attempt: number): number {
  return Math.min(5000, 500 * 2 ** Math.max(0, Math.min(attempt, 4)));
}
