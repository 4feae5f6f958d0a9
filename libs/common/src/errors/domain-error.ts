// Domain errors carry a stable code; one HTTP filter maps codes to statuses (house style), so
// services never import HTTP types.
export type ErrorCode =
  | 'invalid_json'
  | 'invalid_body'
  | 'payload_too_large'
  | 'quota_exceeded'
  | 'gone'
  | 'validation_failed'
  | 'not_found'
  | 'conflict'
  | 'forbidden'
  | 'csrf_failed'
  | 'unauthorized'
  | 'too_many_requests'
  | 'unsupported_media_type'
  | 'service_unavailable'
  | 'insufficient_storage'
  | 'internal_error';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string, details: unknown[] = []) {
    super('not_found', message, details);
  }
}

export class InvalidInputError extends DomainError {
  constructor(message: string, details: unknown[] = []) {
    super('invalid_body', message, details);
  }
}

// The request is valid but the state does not allow it (a published rule edited, a draft published
// by its own author…): the message says what to do instead.
export class ConflictError extends DomainError {
  constructor(message: string, details: unknown[] = []) {
    super('conflict', message, details);
  }
}

// No valid credentials (bearer token or API key): 401. The message never echoes the credential.
export class UnauthorizedError extends DomainError {
  constructor(message: string) {
    super('unauthorized', message);
  }
}

// A write with the console's session cookie whose X-CSRF-Token is missing or is not the session's
// (a cross-site request, or a page that lost its lj_csrf cookie): 403, nothing was done.
export class CsrfError extends DomainError {
  constructor(message: string) {
    super('csrf_failed', message);
  }
}

// Signed in, but the role, department or jurisdiction does not allow this: 403.
export class ForbiddenError extends DomainError {
  constructor(message: string, details: unknown[] = []) {
    super('forbidden', message, details);
  }
}

export class TooManyRequestsError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('too_many_requests', message);
  }
}

// The service cannot answer now (a dependency down, too busy): 503, retry after the time given.
export class ServiceUnavailableError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('service_unavailable', message);
  }
}

export const ERROR_STATUS: Record<ErrorCode, number> = {
  invalid_json: 400,
  invalid_body: 400,
  validation_failed: 400,
  payload_too_large: 413,
  // A source's stored files would go over its quota (INGEST_SOURCE_QUOTA_GB): nothing was stored.
  quota_exceeded: 413,
  // What was asked for existed and was removed for good (a stored file purged by retention).
  gone: 410,
  unsupported_media_type: 415,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  csrf_failed: 403,
  unauthorized: 401,
  too_many_requests: 429,
  service_unavailable: 503,
  // The server's disk is full (WebDAV's 507): the request was fine and may be sent again later.
  insufficient_storage: 507,
  internal_error: 500,
};
