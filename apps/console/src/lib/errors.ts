import { ApiFailure, type ApiError } from '../api/client';
import type { Messages } from '../i18n/zh-CN';

// The API's refusal as staff read it: the code's text in the current language, then the API's own
// reason (its message, and the first validation details) so nothing it said is hidden.
export function describeError(e: ApiError, m: Messages): { title: string; detail: string } {
  const codes = m.codes as Record<string, string>;
  const title = codes[e.code] ?? m.errors.generic.replace('{reason}', e.code);
  const details = Array.isArray(e.details) ? e.details.filter((d) => typeof d === 'string').slice(0, 5) : [];
  return { title, detail: [e.message, ...details].filter(Boolean).join('; ') };
}

// Whatever a call threw, as an ApiError: the API's refusal (ApiFailure), else the network's failure.
export function caught(e: unknown, m: Messages): ApiError {
  return e instanceof ApiFailure ? e.error : { status: 0, code: 'network', message: m.errors.network };
}

// The validation details of a refusal by field, for a form to show next to its inputs: the API says
// "field: reason" (zod paths joined with dots, e.g. "tasks.0.dueAt: is required"); the first reason
// of each field is kept, details without a field are left to the ApiErrorAlert above the form.
export function fieldErrors(e: ApiError | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!e || !Array.isArray(e.details)) return out;
  for (const d of e.details) {
    if (typeof d !== 'string') continue;
    const m = /^([\w.[\]-]+): (.+)$/s.exec(d);
    if (m && !(m[1]! in out)) out[m[1]!] = m[2]!;
  }
  return out;
}
