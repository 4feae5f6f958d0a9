// The backtest on the rule screen: its progress while a worker runs it (POST …/backtest answers 202,
// GET …/backtests/:id gives the state), and its result as the chart's series.

export type BacktestState = 'queued' | 'running' | 'done' | 'failed';

// The step shown (0 asked, 1 queued, 2 running, 3 done) and whether to ask again.
export function backtestStep(state: BacktestState | undefined): {
  step: number;
  poll: boolean;
  failed: boolean;
} {
  switch (state) {
    case undefined:
      return { step: 0, poll: true, failed: false };
    case 'queued':
      return { step: 1, poll: true, failed: false };
    case 'running':
      return { step: 2, poll: true, failed: false };
    case 'done':
      return { step: 3, poll: false, failed: false };
    case 'failed':
      return { step: 2, poll: false, failed: true };
  }
}

// How long to wait before asking again: quickly at first, then every 2 s.
export function pollDelay(attempt: number): number {
  return Math.min(2000, 300 + attempt * 300);
}

// ISO 8601 week of a YYYY-MM-DD date ('2025-W11'), as the API counts them (libs/rules backtest.ts).
export function isoWeek(date: string): string {
  const day = Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
  const weekday = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday: Monday = 0
  const thursday = day - weekday + 3;
  const year = new Date(thursday * 86_400_000).getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1) / 86_400_000;
  return `${year}-W${String(Math.floor((thursday - jan1) / 7) + 1).padStart(2, '0')}`;
}

// Every ISO week a period touches, in order (at most 120: a backtest covers at most two years).
export function weeksOf(period: { from: string; to: string }): string[] {
  const from = Date.parse(`${period.from}T00:00:00Z`);
  const to = Date.parse(`${period.to}T00:00:00Z`);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) return [];
  const out: string[] = [];
  for (let t = from; t <= to && out.length < 120; t += 86_400_000) {
    const w = isoWeek(new Date(t).toISOString().slice(0, 10));
    if (out[out.length - 1] !== w) out.push(w);
  }
  return out;
}

// department → week → deliveries as the stacked chart's weeks (every week of the period, and any
// other a department has, sorted) and one series per department (the busiest first, 0 where it
// received nothing that week).
export function departmentWeeks(
  byDepartmentWeek: Record<string, Record<string, number>>,
  name: (code: string) => string = (c) => c,
  period?: { from: string; to: string },
): { weeks: string[]; series: { code: string; name: string; counts: number[]; total: number }[] } {
  const present = Object.values(byDepartmentWeek).flatMap((w) => Object.keys(w));
  const weeks = present.length ? [...new Set([...(period ? weeksOf(period) : []), ...present])].sort() : [];
  const series = Object.entries(byDepartmentWeek)
    .map(([code, w]) => {
      const counts = weeks.map((week) => w[week] ?? 0);
      return { code, name: name(code), counts, total: counts.reduce((a, b) => a + b, 0) };
    })
    .sort((a, b) => b.total - a.total || a.code.localeCompare(b.code));
  return { weeks, series };
}
