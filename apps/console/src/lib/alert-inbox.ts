// The alerts screen's own logic (预警): the filter and its URL and query, the acknowledgement SLA
// countdown of a delivery, which selected alerts a bulk action applies to, whether selected alerts
// can open one case (one entity, none in a case yet), "why did we get this" from what the API says
// about routing, and a bulk action run alert by alert with each alert's answer. Pure: no React.
import { countdown, type Countdown } from './dashboard';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ALERT_STATES = ['open', 'closed'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export interface AlertFilter {
  severity?: Severity;
  rule?: string;
  state?: AlertState;
  acknowledged?: boolean;
  entity?: string;
}

const oneOf = <T extends string>(all: readonly T[], v: string | null): T | undefined =>
  v !== null && (all as readonly string[]).includes(v) ? (v as T) : undefined;
const text = (v: string | null) => (v && v.trim() ? v.trim() : undefined);

export function alertFilterFromSearch(q: URLSearchParams): AlertFilter {
  const ack = q.get('acknowledged');
  return {
    severity: oneOf(SEVERITIES, q.get('severity')),
    rule: text(q.get('rule')),
    state: oneOf(ALERT_STATES, q.get('state')),
    acknowledged: ack === 'true' ? true : ack === 'false' ? false : undefined,
    entity: text(q.get('entity')),
  };
}

// The filter as the URL's query (stable order, only what is set): the filter survives a reload.
export function alertFilterToSearch(f: AlertFilter): string {
  const q = new URLSearchParams();
  if (f.severity) q.set('severity', f.severity);
  if (f.rule) q.set('rule', f.rule);
  if (f.state) q.set('state', f.state);
  if (f.acknowledged !== undefined) q.set('acknowledged', String(f.acknowledged));
  if (f.entity) q.set('entity', f.entity);
  return q.toString();
}

export interface AlertsQuery {
  severity?: Severity;
  rule?: string;
  status?: AlertState;
  acknowledged?: 'true' | 'false';
  entity?: string;
  limit: number;
  cursor?: string;
}

// GET /api/v1/alerts's query: the alert's state is its `status`; an officer's inbox is their own
// department's deliveries without naming it (the API scopes them).
export function alertFilterToQuery(f: AlertFilter, cursor: string | undefined, limit: number): AlertsQuery {
  const q: AlertsQuery = { limit };
  if (f.severity) q.severity = f.severity;
  if (f.rule) q.rule = f.rule;
  if (f.state) q.status = f.state;
  if (f.acknowledged !== undefined) q.acknowledged = f.acknowledged ? 'true' : 'false';
  if (f.entity) q.entity = f.entity;
  if (cursor) q.cursor = cursor;
  return q;
}

// What the screen needs of an alert (the API's answer has more).
export interface InboxDelivery {
  department: string;
  status: string;
  reason?: unknown;
  acknowledgedAt: string | null;
  dueAt: string | null;
}
export interface InboxAlert {
  id: string;
  status: string;
  severity: string;
  snoozedUntil: string | null;
  caseId: string | null;
  entity: { key: string; name: string | null } | null;
  explanation?: unknown;
  deliveries: InboxDelivery[];
}

export type Sla =
  | { state: 'acknowledged'; at: string }
  | { state: 'closed' }
  | { state: 'snoozed'; until: string }
  | { state: 'running'; countdown: Countdown }
  | { state: 'none' };

// The acknowledgement SLA (签收时限) of the department's delivery of an alert at `now`: acknowledged
// (when), the alert closed or snoozed (the clock does not matter / escalation waits), else the time
// left until dueAt or past it. 'none': no delivery to that department (or no due time).
export function deliverySla(a: InboxAlert, department: string | null | undefined, now: number): Sla {
  const d = department ? a.deliveries.find((x) => x.department === department) : undefined;
  if (!d) return { state: 'none' };
  if (d.acknowledgedAt) return { state: 'acknowledged', at: d.acknowledgedAt };
  if (a.status !== 'open') return { state: 'closed' };
  if (a.snoozedUntil && new Date(a.snoozedUntil).getTime() > now)
    return { state: 'snoozed', until: a.snoozedUntil };
  if (!d.dueAt) return { state: 'none' };
  return { state: 'running', countdown: countdown(d.dueAt, now) };
}

export type BulkAction = 'ack' | 'snooze' | 'close';

// Who may do what: acknowledge their own department's delivery (alerts:ack), snooze an open alert
// (alerts:manage, or an officer's alerts:snooze), close one (alerts:manage).
export function mayDo(action: BulkAction, permissions: readonly string[]): boolean {
  if (action === 'ack') return permissions.includes('alerts:ack');
  if (action === 'snooze')
    return permissions.includes('alerts:manage') || permissions.includes('alerts:snooze');
  return permissions.includes('alerts:manage');
}

// The selected alerts an action applies to: acknowledging, those with an unacknowledged delivery to
// the caller's department; snoozing and closing, the open ones. The others are left out (and the
// screen says how many of the selection it will act on).
export function applicable<A extends InboxAlert>(
  action: BulkAction,
  alerts: readonly A[],
  department: string | null | undefined,
): A[] {
  if (action === 'ack')
    return alerts.filter((a) => a.deliveries.some((d) => d.department === department && !d.acknowledgedAt));
  return alerts.filter((a) => a.status === 'open');
}

export type CasePlan =
  | { ok: true; entityKey: string; alertIds: string[] }
  | { ok: false; why: 'none' | 'feed' | 'entities' | 'inCase' | 'closed'; ids: string[] };

// Can the selected alerts open one case (立案) or be merged into the entity's open case (并案)? A
// case is about one entity; an alert belongs to at most one case; a closed alert starts none.
export function casePlan(alerts: readonly InboxAlert[]): CasePlan {
  if (!alerts.length) return { ok: false, why: 'none', ids: [] };
  const feed = alerts.filter((a) => !a.entity);
  if (feed.length) return { ok: false, why: 'feed', ids: feed.map((a) => a.id) };
  const keys = [...new Set(alerts.map((a) => a.entity!.key))];
  if (keys.length > 1) return { ok: false, why: 'entities', ids: keys };
  const taken = alerts.filter((a) => a.caseId);
  if (taken.length) return { ok: false, why: 'inCase', ids: taken.map((a) => a.id) };
  const closed = alerts.filter((a) => a.status !== 'open');
  if (closed.length) return { ok: false, why: 'closed', ids: closed.map((a) => a.id) };
  return { ok: true, entityKey: keys[0]!, alertIds: alerts.map((a) => a.id) };
}

export interface Localized {
  zh: string;
  en: string;
}
const isText = (v: unknown): v is Localized =>
  !!v && typeof v === 'object' && typeof (v as Localized).zh === 'string';
const texts = (v: unknown): Localized[] => (Array.isArray(v) ? v.filter(isText) : isText(v) ? [v] : []);

export interface WhyRouted {
  rule: { id?: string; version?: number; name?: Localized } | null;
  why: Localized[];
  legalBasis: Localized[];
  // Why it went to the department asked about (its delivery's reason), and to the others the
  // explanation names (staff see them all; an officer's answer names what the API gives them).
  ours: Localized | null;
  routing: { department: string | null; reason: Localized }[];
}

// "Why did we get this" (为何推送给我们): the rule and its conditions in words, the legal basis the
// rule cites, and the routing reasons, from the alert's explanation and the department's delivery.
export function whyRouted(a: InboxAlert, department: string | null | undefined): WhyRouted {
  const ex = (a.explanation && typeof a.explanation === 'object' ? a.explanation : {}) as Record<
    string,
    unknown
  >;
  const r = ex.rule as WhyRouted['rule'];
  const own = department ? a.deliveries.find((d) => d.department === department) : undefined;
  const routing = Array.isArray(ex.routing)
    ? (ex.routing as { department?: unknown; reason?: unknown }[])
        .filter((x) => isText(x.reason))
        .map((x) => ({
          department: typeof x.department === 'string' ? x.department : null,
          reason: x.reason as Localized,
        }))
    : [];
  return {
    rule:
      r && typeof r === 'object'
        ? { id: r.id, version: r.version, name: isText(r.name) ? r.name : undefined }
        : null,
    why: texts(ex.why),
    legalBasis: texts(ex.legalBasis),
    ours: own && isText(own.reason) ? own.reason : null,
    routing,
  };
}

export interface BulkResult {
  alertId: string;
  ok: boolean;
  // The API's reason when refused.
  error?: { code: string; message: string };
}

// A bulk action, alert by alert (the API has no bulk alert route): at most `parallel` calls at a
// time, each alert's answer kept in the selection's order; one refusal does not stop the others.
export async function runEach(
  ids: readonly string[],
  call: (id: string) => Promise<unknown>,
  parallel = 4,
): Promise<BulkResult[]> {
  const out: BulkResult[] = new Array(ids.length);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      const id = ids[i]!;
      try {
        await call(id);
        out[i] = { alertId: id, ok: true };
      } catch (e) {
        const err = (e as { error?: { code?: string; message?: string } }).error;
        out[i] = {
          alertId: id,
          ok: false,
          error: {
            code: err?.code ?? 'network',
            message: err?.message ?? (e instanceof Error ? e.message : String(e)),
          },
        };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, ids.length) }, worker));
  return out;
}

// The snooze form's `until` (a date-time picked in Asia/Shanghai) as the API reads it, and the
// quick choices: in N days at 09:00 Beijing time.
export function snoozeUntil(days: number, now: number): string {
  const beijing = new Date(now + 8 * 3_600_000);
  const y = beijing.getUTCFullYear();
  const m = beijing.getUTCMonth();
  const d = beijing.getUTCDate() + days;
  return new Date(Date.UTC(y, m, d, 9 - 8, 0, 0)).toISOString();
}
