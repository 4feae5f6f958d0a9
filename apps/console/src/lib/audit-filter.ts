// 审计: the audit log's filter (who, what, target, outcome, a range of days) as the query of
// GET /api/v1/audit, and back from the screen's URL. Days are China Standard Time days: "since" is the
// start of its day, "until" the end of its day (the API's until is exclusive: the next day's start).
export const AUDIT_RESULTS = ['ok', 'denied', 'refused', 'failed'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  result?: AuditResult;
  since?: string; // YYYY-MM-DD
  until?: string; // YYYY-MM-DD, inclusive
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  target?: string;
  result?: AuditResult;
  since?: string;
  until?: string;
  limit: number;
  cursor?: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TEXT_FIELDS = ['actor', 'action', 'target'] as const;

// The day after a YYYY-MM-DD (calendar arithmetic, no time zone involved).
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

const cstStart = (day: string) => `${day}T00:00:00+08:00`;

export function auditFilterToQuery(f: AuditFilter, cursor?: number, limit = 50): AuditQuery {
  const q: AuditQuery = { limit };
  for (const k of TEXT_FIELDS) {
    const v = f[k]?.trim();
    if (v) q[k] = v;
  }
  if (f.result && (AUDIT_RESULTS as readonly string[]).includes(f.result)) q.result = f.result;
  if (f.since && DAY.test(f.since)) q.since = cstStart(f.since);
  if (f.until && DAY.test(f.until)) q.until = cstStart(nextDay(f.until));
  if (cursor !== undefined) q.cursor = cursor;
  return q;
}

// The filter in the screen's URL (so a filtered log can be bookmarked and shared among auditors).
export function auditFilterToSearch(f: AuditFilter): string {
  const s = new URLSearchParams();
  for (const k of [...TEXT_FIELDS, 'result', 'since', 'until'] as const) {
    const v = f[k]?.trim();
    if (v) s.set(k, v);
  }
  return s.toString();
}

export function auditFilterFromSearch(s: URLSearchParams): AuditFilter {
  const f: AuditFilter = {};
  for (const k of TEXT_FIELDS) {
    const v = s.get(k)?.trim();
    if (v) f[k] = v;
  }
  const result = s.get('result');
  if (result && (AUDIT_RESULTS as readonly string[]).includes(result)) f.result = result as AuditResult;
  for (const k of ['since', 'until'] as const) {
    const v = s.get(k);
    if (v && DAY.test(v)) f[k] = v;
  }
  return f;
}
