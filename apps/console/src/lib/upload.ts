// Uploading a file for a source (POST /api/v1/sources/{source}/files, multipart field `file`) with a
// progress bar: fetch reports no upload progress, XMLHttpRequest does (xhr.upload.onprogress). The
// state machine is pure (unit-tested); sendFile is the thin browser part.
import type { ApiError } from '../api/client';

export type UploadState =
  | { phase: 'idle' }
  | { phase: 'uploading'; loaded: number; total: number; percent: number }
  // Every byte sent; the API is storing the file and queueing its batch.
  | { phase: 'storing'; total: number }
  | { phase: 'accepted'; batchId: string; duplicate: boolean }
  | { phase: 'failed'; error: ApiError };

export type UploadEvent =
  | { type: 'start'; total: number }
  | { type: 'progress'; loaded: number; total: number }
  | { type: 'sent' }
  | { type: 'accepted'; batchId: string; duplicate?: boolean }
  | { type: 'failed'; error: ApiError }
  | { type: 'reset' };

export const IDLE: UploadState = { phase: 'idle' };

// 0-100, whole numbers; 99 at most until the API has answered (the last percent is its answer).
export function percentOf(loaded: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.max(0, Math.min(99, Math.floor((loaded / total) * 100)));
}

export function uploadReducer(s: UploadState, e: UploadEvent): UploadState {
  switch (e.type) {
    case 'reset':
      return IDLE;
    case 'start':
      return { phase: 'uploading', loaded: 0, total: e.total, percent: 0 };
    case 'progress': {
      if (s.phase !== 'uploading') return s;
      const total = e.total > 0 ? e.total : s.total;
      const percent = percentOf(e.loaded, total);
      // Progress never goes back (events may come out of order after a retry of a chunk).
      return percent < s.percent ? s : { phase: 'uploading', loaded: e.loaded, total, percent };
    }
    case 'sent':
      return s.phase === 'uploading' ? { phase: 'storing', total: s.total } : s;
    case 'accepted':
      return s.phase === 'uploading' || s.phase === 'storing'
        ? { phase: 'accepted', batchId: e.batchId, duplicate: !!e.duplicate }
        : s;
    case 'failed':
      return s.phase === 'uploading' || s.phase === 'storing' ? { phase: 'failed', error: e.error } : s;
  }
}

// The bar's percent and status for antd's <Progress>.
export function progressOf(s: UploadState): {
  percent: number;
  status: 'normal' | 'active' | 'success' | 'exception';
} {
  switch (s.phase) {
    case 'idle':
      return { percent: 0, status: 'normal' };
    case 'uploading':
      return { percent: s.percent, status: 'active' };
    case 'storing':
      return { percent: 99, status: 'active' };
    case 'accepted':
      return { percent: 100, status: 'success' };
    case 'failed':
      return { percent: 100, status: 'exception' };
  }
}

export const busy = (s: UploadState) => s.phase === 'uploading' || s.phase === 'storing';

// The API's refusal body ({ error: { code, message, details } }) of an XMLHttpRequest, as an ApiError.
export function xhrError(status: number, body: string, statusText: string): ApiError {
  let parsed: { error?: { code?: unknown; message?: unknown; details?: unknown } } = {};
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    // not JSON: a proxy's page
  }
  const e = parsed.error ?? {};
  return {
    status,
    code: typeof e.code === 'string' ? e.code : `http_${status}`,
    message: typeof e.message === 'string' ? e.message : statusText,
    details: e.details,
  };
}

export interface SendFileOptions {
  url: string;
  file: Blob & { name?: string };
  // The write's CSRF token (the lj_csrf cookie, as the typed client's middleware sends it).
  csrf?: { header: string; value: string | undefined };
  dispatch(e: UploadEvent): void;
}

// Sends the file as multipart/form-data (field `file`) with the session cookie; reports progress
// and the API's answer through dispatch. Returns a function that aborts the upload.
export function sendFile({ url, file, csrf, dispatch }: SendFileOptions): () => void {
  const xhr = new XMLHttpRequest();
  xhr.open('POST', url);
  xhr.withCredentials = true;
  xhr.setRequestHeader('Accept', 'application/json');
  if (csrf?.value) xhr.setRequestHeader(csrf.header, csrf.value);
  xhr.upload.onprogress = (e) => dispatch({ type: 'progress', loaded: e.loaded, total: e.total });
  xhr.upload.onload = () => dispatch({ type: 'sent' });
  xhr.onload = () => {
    if (xhr.status === 202 || xhr.status === 200) {
      try {
        const body = JSON.parse(xhr.responseText) as { batchId: string; duplicate?: boolean };
        dispatch({ type: 'accepted', batchId: body.batchId, duplicate: body.duplicate });
      } catch {
        dispatch({ type: 'failed', error: xhrError(xhr.status, '', 'unreadable answer') });
      }
    } else dispatch({ type: 'failed', error: xhrError(xhr.status, xhr.responseText, xhr.statusText) });
  };
  xhr.onerror = () => dispatch({ type: 'failed', error: { status: 0, code: 'network', message: 'network' } });
  const form = new FormData();
  form.append('file', file, file.name ?? 'upload');
  dispatch({ type: 'start', total: file.size });
  xhr.send(form);
  return () => xhr.abort();
}
