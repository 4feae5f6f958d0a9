import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

// The console's typed client of the API (types generated from the OpenAPI document by `npm run
// build`: a changed route breaks the console's build, not its screens). One origin: the session is
// the httpOnly cookie the API set at sign-in, which no script can read; writes carry the CSRF token
// of the readable lj_csrf cookie (double submit, checked by the API against the session).
export const CSRF_COOKIE = 'lj_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

export function readCookie(name: string, cookies = globalThis.document?.cookie ?? ''): string | undefined {
  for (const part of cookies.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

// The API's refusal body: { error: { code, message, details } } (message in English; the console
// shows the code's text in the current language above it, from the locale files).
export interface ApiError {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  retryAfterSeconds?: number;
}

export class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message || error.code);
  }
}

type Listener = (e: ApiError) => void;
const expiredListeners = new Set<Listener>();
// The shell listens: a 401 on any call means the session ended (expired, signed out elsewhere).
export function onSessionExpired(l: Listener): () => void {
  expiredListeners.add(l);
  return () => expiredListeners.delete(l);
}

type ErrorBody = { error?: { code?: string; message?: string; details?: unknown } };

// The refusal of an answer; `parsed` is its body when the client already read it (openapi-fetch
// reads a refusal's body into `error`, after which the response's body can no longer be read).
export async function toApiError(res: Response, parsed?: unknown): Promise<ApiError> {
  let body: ErrorBody = {};
  if (parsed !== undefined && typeof parsed === 'object' && parsed !== null) body = parsed as ErrorBody;
  else if (!res.bodyUsed)
    try {
      body = await res.clone().json();
    } catch {
      // not JSON: a proxy's page or an empty answer
    }
  const msg = body.error?.message;
  const retry = Number(res.headers.get('Retry-After'));
  return {
    status: res.status,
    code: body.error?.code ?? `http_${res.status}`,
    message: typeof msg === 'string' ? msg : res.statusText,
    details: body.error?.details,
    ...(Number.isFinite(retry) && retry > 0 ? { retryAfterSeconds: retry } : {}),
  };
}

const session: Middleware = {
  onRequest({ request }) {
    if (!['GET', 'HEAD'].includes(request.method)) {
      const csrf = readCookie(CSRF_COOKIE);
      if (csrf) request.headers.set(CSRF_HEADER, csrf);
    }
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status === 401 && !request.url.endsWith('/api/v1/auth/session')) {
      const e = await toApiError(response);
      for (const l of expiredListeners) l(e);
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(session);

// The data of an answer, or an ApiFailure with the API's bilingual reason.
export async function ok<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const r = await p;
  if (!r.response.ok) throw new ApiFailure(await toApiError(r.response, r.error));
  return r.data as T;
}
