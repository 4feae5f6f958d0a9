import type { ApiError } from '../api/client';
import type { Messages } from '../i18n/zh-CN';

// The API's refusal as staff read it: the code's text in the current language, then the API's own
// reason (its message, and the first validation details) so nothing it said is hidden.
export function describeError(e: ApiError, m: Messages): { title: string; detail: string } {
  const codes = m.codes as Record<string, string>;
  const title = codes[e.code] ?? m.errors.generic.replace('{reason}', e.code);
  const details = Array.isArray(e.details) ? e.details.filter((d) => typeof d === 'string').slice(0, 5) : [];
  return { title, detail: [e.message, ...details].filter(Boolean).join('; ') };
}
