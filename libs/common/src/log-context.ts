import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

// What every log line of a request, or of a job, says about where it comes from: the request id
// (taken from a well-formed X-Request-Id, else generated) and, in a worker, the job. A job carries
// the request id of the request (or job) that enqueued it, so a record's way from the API through
// ingestion, scoring and rules can be followed by one id.
export interface LogContext {
  requestId?: string;
  // queue/job-name/job-id, in a worker.
  job?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export function runInLogContext<T>(ctx: LogContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function logContext(): LogContext | undefined {
  return storage.getStore();
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

// An incoming X-Request-Id is kept when it is well formed (what a gateway or tracer sends: letters,
// digits and . _ : - , at most 128), else a new one is made: a header cannot put anything else into
// the logs.
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

export function acceptRequestId(header: unknown): string | undefined {
  return typeof header === 'string' && REQUEST_ID_RE.test(header) ? header : undefined;
}

export function requestIdFor(header: unknown): string {
  return acceptRequestId(header) ?? randomUUID();
}
