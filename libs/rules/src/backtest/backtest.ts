import type { LocalizedText } from '@lianjian/reference';
import type { RuleEvaluationContext } from '../rule-context';
import type { RuleDefinition } from '../rule-definition.schema';
import { alertKey, evaluateRule } from '../rule-evaluation';
import { epochDay } from '@lianjian/common';

// 规则回测: what a rule would have raised over a past period, without storing or sending anything, so
// that a noisy draft is caught before it floods a department. The events are replayed in date order
// with the same dedup the live path applies: the first finding of an alert key raises an alert and
// later ones only add an occurrence to it (alerts are taken to stay open for the whole period); a
// new key of the same rule and entity within the rule's cooldown after its last alert is suppressed.

export interface BacktestEvent {
  at: string; // YYYY-MM-DD: the record's date, or the score's
  subject: string; // entity id
  subjectLabel: string; // name, USCC or external id, for the sample
  ctx: RuleEvaluationContext;
}

export interface BacktestAlert {
  at: string;
  week: string;
  subject: string;
  subjectLabel: string;
  alertKey: string;
  departments: string[];
  why: LocalizedText[];
}

export interface BacktestResult {
  events: number; // events of the trigger's kind in the period
  matched: number; // events whose condition held
  alerts: number; // alerts that would have been raised
  occurrences: number; // matches that would only have updated an open alert (same key)
  suppressed: number; // matches a cooldown would have held back
  unrouted: number; // alerts no department would have received
  deliveries: number;
  entities: number;
  byDepartment: Record<string, number>; // deliveries per department
  byWeek: Record<string, number>; // alerts per ISO week (YYYY-Www)
  byDepartmentWeek: Record<string, Record<string, number>>; // department → week → deliveries
  busiest: { department: string; week: string; deliveries: number } | null;
  sample: BacktestAlert[]; // the first alerts, to read what the rule says
}

export interface BacktestOptions {
  route: (event: BacktestEvent) => string[]; // department codes the finding routes to
  sampleSize?: number;
}

export function backtestRule(
  rule: RuleDefinition,
  events: readonly BacktestEvent[],
  opts: BacktestOptions,
): BacktestResult {
  const sorted = [...events].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const openKeys = new Set<string>();
  const lastAlertDay = new Map<string, number>(); // subject → day of its last alert from this rule
  const cooldown = rule.cooldownDays ?? 0;
  const res: BacktestResult = {
    events: sorted.length,
    matched: 0,
    alerts: 0,
    occurrences: 0,
    suppressed: 0,
    unrouted: 0,
    deliveries: 0,
    entities: 0,
    byDepartment: {},
    byWeek: {},
    byDepartmentWeek: {},
    busiest: null,
    sample: [],
  };
  const entities = new Set<string>();
  const sampleSize = opts.sampleSize ?? 20;
  for (const ev of sorted) {
    const evaluation = evaluateRule(rule, ev.ctx);
    if (!evaluation.matched) continue;
    res.matched++;
    const key = alertKey(rule, ev.subject, ev.ctx);
    if (openKeys.has(key)) {
      res.occurrences++;
      continue;
    }
    const day = epochDay(ev.at) ?? 0;
    const last = lastAlertDay.get(ev.subject);
    if (cooldown > 0 && last !== undefined && day - last < cooldown) {
      res.suppressed++;
      continue;
    }
    openKeys.add(key);
    lastAlertDay.set(ev.subject, day);
    entities.add(ev.subject);
    res.alerts++;
    const week = isoWeek(ev.at);
    res.byWeek[week] = (res.byWeek[week] ?? 0) + 1;
    const departments = opts.route(ev);
    if (!departments.length) res.unrouted++;
    for (const d of departments) {
      res.deliveries++;
      res.byDepartment[d] = (res.byDepartment[d] ?? 0) + 1;
      const weeks = (res.byDepartmentWeek[d] ??= {});
      weeks[week] = (weeks[week] ?? 0) + 1;
      if (!res.busiest || weeks[week] > res.busiest.deliveries)
        res.busiest = { department: d, week, deliveries: weeks[week] };
    }
    if (res.sample.length < sampleSize)
      res.sample.push({
        at: ev.at,
        week,
        subject: ev.subject,
        subjectLabel: ev.subjectLabel,
        alertKey: key,
        departments,
        why: evaluation.explanation,
      });
  }
  res.entities = entities.size;
  return res;
}

// ISO 8601 week of a YYYY-MM-DD date, e.g. '2025-W01' (weeks start on Monday; week 1 holds the
// year's first Thursday).
export function isoWeek(date: string): string {
  const day = epochDay(date);
  if (day === undefined) throw new Error(`isoWeek: '${date}' is not a YYYY-MM-DD date`);
  const weekday = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday: Monday = 0
  const thursday = day - weekday + 3;
  const year = new Date(thursday * 86_400_000).getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1) / 86_400_000;
  const week = Math.floor((thursday - jan1) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
