// The home screen's (工作台) arithmetic: classes now against before the last run, acknowledgement
// countdowns, score moves. Plain functions (unit-tested in lib/dashboard.test.ts); the page only
// lays them out.

export const CLASSES = ['A', 'B', 'C', 'D'] as const;
export type RiskClass = (typeof CLASSES)[number];
export type ClassCounts = Record<RiskClass, number>;

export interface ClassRow {
  cls: RiskClass;
  count: number;
  share: number; // of all scored entities in the jurisdiction, 0..1
  change: number | null; // the last run's change (null: no run yet)
  before: number | null; // the count before the last run
}

// Each class now, its share, and the last run's change (moved in minus moved out).
export function classRows(current: ClassCounts, change: ClassCounts | null | undefined): ClassRow[] {
  const total = CLASSES.reduce((s, c) => s + current[c], 0);
  return CLASSES.map((cls) => ({
    cls,
    count: current[cls],
    share: total ? current[cls] / total : 0,
    change: change ? change[cls] : null,
    before: change ? current[cls] - change[cls] : null,
  }));
}

// A change as staff read it: +3, −2 (a true minus sign), ±0.
export function signed(n: number): string {
  const r = Math.round(n * 100) / 100;
  if (r > 0) return `+${r}`;
  if (r < 0) return `−${Math.abs(r)}`;
  return '±0';
}

// A share as a percentage with one decimal (12.5%), 0% for none.
export function percent(share: number): string {
  if (!share) return '0%';
  return `${Math.round(share * 1000) / 10}%`;
}

export interface Countdown {
  overdue: boolean;
  // Remaining (or, overdue, exceeded) time in whole days, hours and minutes.
  days: number;
  hours: number;
  minutes: number;
  // Due within two hours, or overdue: shown in red.
  urgent: boolean;
}

const MINUTE = 60_000;

// Time left until a due instant (ISO 8601), or past it, from `now` (ms since the epoch). Minutes are
// rounded down while time is left (never promise more than there is) and up once it is overdue.
export function countdown(dueAt: string, now: number): Countdown {
  const ms = new Date(dueAt).getTime() - now;
  const overdue = ms < 0;
  const total = overdue ? Math.ceil(-ms / MINUTE) : Math.floor(ms / MINUTE);
  return {
    overdue,
    days: Math.floor(total / 1440),
    hours: Math.floor((total % 1440) / 60),
    minutes: total % 60,
    urgent: overdue || ms <= 2 * 60 * MINUTE,
  };
}

export interface CountdownTexts {
  left: string; // '剩余 {time}'
  overdue: string; // '已超时 {time}'
  days: string; // '{n} 天'
  hours: string; // '{n} 小时'
  minutes: string; // '{n} 分钟'
  separator: string; // ' '
}

const put = (t: string, n: number) => t.replace('{n}', String(n));

// The two largest units that matter ("1 天 3 小时", "3 小时 5 分钟", "12 分钟"), in its sentence.
export function formatCountdown(c: Countdown, t: CountdownTexts): string {
  const parts: string[] = [];
  if (c.days) parts.push(put(t.days, c.days), put(t.hours, c.hours));
  else if (c.hours) parts.push(put(t.hours, c.hours), put(t.minutes, c.minutes));
  else parts.push(put(t.minutes, c.minutes));
  return (c.overdue ? t.overdue : t.left).replace('{time}', parts.join(t.separator));
}

// How far a mover's score moved (rounded to the score's two decimals).
export function scoreMove(m: { score: number; previousScore: number }): number {
  return Math.round((m.score - m.previousScore) * 100) / 100;
}

// The entity's profile route (/entities/:key, as the risk list opens it).
export function entityPath(key: string): string {
  return `/entities/${encodeURIComponent(key)}`;
}
