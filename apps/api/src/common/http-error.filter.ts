import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { auditRefusalOf } from './audit-refusal';
import {
  DomainError,
  ERROR_STATUS,
  ServiceUnavailableError,
  TooManyRequestsError,
  type ErrorCode,
} from '@lianjian/common';

// One place maps errors to HTTP: domain errors by code, framework HTTP errors by status, anything else
// to a 500 with an error id that is also in the log.
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('HttpError');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    // A request to an audited route refused before its handler ran: its entry is stored first
    // (a 503 instead when it cannot be).
    const refusal = auditRefusalOf(host.switchToHttp().getRequest<Request>())?.(errorStatus(err));
    if (refusal) {
      refusal.then(
        () => this.answer(err, res),
        (e: unknown) => this.answer(e, res),
      );
      return;
    }
    this.answer(err, res);
  }

  private answer(err: unknown, res: Response): void {
    if (err instanceof DomainError) {
      if (err instanceof TooManyRequestsError || err instanceof ServiceUnavailableError)
        res.setHeader('Retry-After', String(err.retryAfterSeconds));
      send(res, ERROR_STATUS[err.code], err.code, err.message, err.details);
      return;
    }
    // Express could not percent-decode a path parameter (invalid UTF-8, a lone surrogate, a bare '%').
    // Nest hands it on as a BadRequestException caused by the URIError.
    const uriError = err instanceof HttpException && err.cause instanceof URIError ? err.cause : err;
    if (uriError instanceof URIError && (uriError as { status?: number }).status === 400) {
      send(
        res,
        400,
        'invalid_body',
        'invalid path parameter: not percent-encoded UTF-8 / 路径参数无效：不是有效的 UTF-8 编码',
        [`param: ${uriError.message}`],
      );
      return;
    }
    if (err instanceof HttpException) {
      const status = err.getStatus();
      const body = err.getResponse();
      const message =
        typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? err.message);
      send(res, status, codeForStatus(status), Array.isArray(message) ? message.join('; ') : String(message));
      return;
    }
    const bodyError = bodyParserError(err);
    if (bodyError) {
      send(res, bodyError.status, bodyError.code, bodyError.message);
      return;
    }
    if (databaseUnavailable(err)) {
      // PostgreSQL down or restarting (the pool reconnects by itself, /health says so): the client is
      // told to come back rather than given a 500 (writes are idempotent: sending again is safe).
      this.log.warn(`database unavailable: ${(err as Error)?.message ?? String(err)}`);
      res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      send(
        res,
        503,
        'service_unavailable',
        '数据库暂时不可用，请稍后重试 (the database is unavailable for the moment; try again shortly)',
      );
      return;
    }
    const errorId = randomUUID();
    this.log.error(`error ${errorId}: ${(err as Error)?.stack ?? String(err)}`);
    send(res, 500, 'internal_error', 'internal error; quote the error id when reporting it', [], errorId);
  }
}

// The status an error is answered with (as the filter answers it).
export function errorStatus(err: unknown): number {
  if (err instanceof DomainError) return ERROR_STATUS[err.code];
  if (err instanceof HttpException) return err.getStatus();
  return bodyParserError(err)?.status ?? (databaseUnavailable(err) ? 503 : 500);
}

const DATABASE_RETRY_AFTER_SECONDS = 5;

// Errors that mean PostgreSQL cannot be reached now (refused, cut, shutting down, starting up), as
// pg raises them or TypeORM wraps them (QueryFailedError.driverError), not errors of the query itself.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006', // connection exceptions
]);

export function databaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown; message?: unknown }; message?: unknown };
  const code = e?.driverError?.code ?? e?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  const message = String(e?.driverError?.message ?? e?.message ?? '');
  return /^Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
    message,
  );
}

export function send(
  res: Response,
  status: number,
  code: string,
  message: string,
  details: unknown[] = [],
  errorId?: string,
): void {
  if (res.headersSent) return;
  res.status(status).json({ error: { code, message, details, ...(errorId ? { errorId } : {}) } });
}

function codeForStatus(status: number): ErrorCode | string {
  const byStatus: Record<number, ErrorCode> = {
    400: 'invalid_body',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    409: 'conflict',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    429: 'too_many_requests',
    503: 'service_unavailable',
  };
  return byStatus[status] ?? (status >= 500 ? 'internal_error' : 'invalid_request');
}

// Errors raised by the JSON body parser before any handler runs.
export function bodyParserError(
  err: unknown,
): { status: number; code: ErrorCode; message: string } | undefined {
  const e = err as { type?: string; status?: number; limit?: number; length?: number; message?: string };
  switch (e?.type) {
    case 'entity.parse.failed':
      return {
        status: 400,
        code: 'invalid_json',
        message: `the body is not valid JSON: ${e.message}; nothing was stored`,
      };
    case 'entity.too.large':
      return {
        status: 413,
        code: 'payload_too_large',
        message: `the body (${e.length} bytes) exceeds the limit of ${e.limit} bytes; split the batch; nothing was stored`,
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'unsupported_media_type', message: `${e.message}; send UTF-8 JSON` };
    case 'request.aborted':
      return {
        status: 400,
        code: 'invalid_body',
        message: 'the request was aborted before the body was complete',
      };
    default:
      return undefined;
  }
}
