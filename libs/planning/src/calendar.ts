import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { formatZodIssues } from '@lianjian/common';

// 工作日历: which days are working days, for the publication deadlines of 一公开 (results public
// within 20 working days of the inspection). Mondays to Fridays work, Saturdays and Sundays do not,
// except as the year's data file says: public holidays (法定节假日, with the days added around them)
// are off, make-up working days (调休上班, often a Saturday or Sunday) work. One file per year
// (config/inspection/calendar/<year>.json), from the State Council's notice; a year's file marked
// provisional lists only the statutory days (the notice is not out yet). A date in a year with no
// file counts Mondays to Fridays and the answer says it is provisional: a deadline is never refused
// for want of next year's notice, and the operator sees that it should be updated.

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const text = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
const date = z.string().regex(DATE, 'a date YYYY-MM-DD');

const yearSchema = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  provisional: z.boolean(),
  source: text,
  holidays: z.array(z.strictObject({ from: date, to: date, name: text })),
  workdays: z.array(date),
});
export type CalendarYear = z.infer<typeof yearSchema>;

function dayNo(iso: string): number {
  return Math.floor(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86_400_000);
}
function isoOf(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
function isValidDate(iso: string): boolean {
  return DATE.test(iso) && isoOf(dayNo(iso)) === iso;
}

export function validateCalendarYear(json: unknown, label = 'calendar'): CalendarYear {
  const res = yearSchema.safeParse(json);
  if (!res.success)
    throw new Error(
      `invalid ${label}:\n${formatZodIssues(res.error)
        .map((l) => `  - ${l}`)
        .join('\n')}`,
    );
  const y = res.data;
  const problems: string[] = [];
  const inYear = (d: string) => isValidDate(d) && d.startsWith(`${y.year}-`);
  for (const h of y.holidays) {
    if (!inYear(h.from) || !inYear(h.to))
      problems.push(`holiday ${h.name.en}: dates must be real days of ${y.year}`);
    else if (h.to < h.from) problems.push(`holiday ${h.name.en}: ends before it starts`);
  }
  for (const w of y.workdays) {
    if (!inYear(w)) problems.push(`workday ${w}: must be a real day of ${y.year}`);
    else if (y.holidays.some((h) => w >= h.from && w <= h.to))
      problems.push(`workday ${w} is also a holiday`);
  }
  if (problems.length) throw new Error(`invalid ${label}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return y;
}

export interface DeadlineResult {
  date: string; // YYYY-MM-DD
  provisional: boolean; // some day counted fell in a year whose calendar is missing or provisional
}

export class WorkingDayCalendar {
  private readonly off = new Set<number>();
  private readonly on = new Set<number>();
  private readonly years = new Map<number, CalendarYear>();

  constructor(years: readonly CalendarYear[]) {
    for (const y of years) {
      if (this.years.has(y.year)) throw new Error(`calendar year ${y.year} given twice`);
      this.years.set(y.year, y);
      for (const h of y.holidays) for (let d = dayNo(h.from); d <= dayNo(h.to); d++) this.off.add(d);
      for (const w of y.workdays) this.on.add(dayNo(w));
    }
  }

  get coveredYears(): number[] {
    return [...this.years.keys()].sort((a, b) => a - b);
  }

  // Whether the year's working days are known for certain (a file that is not provisional).
  isCertain(year: number): boolean {
    const y = this.years.get(year);
    return !!y && !y.provisional;
  }

  isWorkingDay(iso: string): boolean {
    if (!isValidDate(iso)) throw new RangeError(`not a date: ${iso}`);
    const d = dayNo(iso);
    if (this.on.has(d)) return true;
    if (this.off.has(d)) return false;
    const weekday = new Date(d * 86_400_000).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  // The n-th working day after `iso` (the day itself does not count): the last day to publish a
  // result inspected on `iso` within n working days.
  addWorkingDays(iso: string, n: number): DeadlineResult {
    if (!isValidDate(iso)) throw new RangeError(`not a date: ${iso}`);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0: ${n}`);
    let d = dayNo(iso);
    let provisional = false;
    for (let left = n; left > 0;) {
      d++;
      const day = isoOf(d);
      if (!this.isCertain(+day.slice(0, 4))) provisional = true;
      if (this.isWorkingDay(day)) left--;
    }
    return { date: isoOf(d), provisional };
  }

  // Working days after `from` up to and including `to` (0 when to ≤ from).
  workingDaysBetween(from: string, to: string): number {
    let n = 0;
    for (let d = dayNo(from) + 1; d <= dayNo(to); d++) if (this.isWorkingDay(isoOf(d))) n++;
    return n;
  }
}

export function loadCalendar(configDir: string): WorkingDayCalendar {
  const dir = join(configDir, 'inspection', 'calendar');
  const years: CalendarYear[] = [];
  for (const f of readdirSync(dir)
    .filter((x) => /^\d{4}\.json$/.test(x))
    .sort()) {
    const file = join(dir, f);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
    }
    const y = validateCalendarYear(json, file);
    if (`${y.year}.json` !== f) throw new Error(`${file}: year ${y.year} does not match the file name`);
    years.push(y);
  }
  return new WorkingDayCalendar(years);
}
