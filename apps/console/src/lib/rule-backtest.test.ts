import { describe, expect, it } from 'vitest';
import { backtestStep, departmentWeeks, isoWeek, pollDelay, weeksOf } from './rule-backtest';

describe('backtest progress and chart data', () => {
  it('steps through queued, running and done, and stops asking when done or failed', () => {
    expect(backtestStep(undefined)).toEqual({ step: 0, poll: true, failed: false });
    expect(backtestStep('queued')).toEqual({ step: 1, poll: true, failed: false });
    expect(backtestStep('running')).toEqual({ step: 2, poll: true, failed: false });
    expect(backtestStep('done')).toEqual({ step: 3, poll: false, failed: false });
    expect(backtestStep('failed')).toEqual({ step: 2, poll: false, failed: true });
    expect(pollDelay(0)).toBe(300);
    expect(pollDelay(100)).toBe(2000);
  });

  it('makes one series per department over every week, the busiest first, zeros filled', () => {
    const { weeks, series } = departmentWeeks(
      { '330106-SAMR': { '2025-W11': 1 }, '330106-TAX': { '2025-W10': 2, '2025-W12': 1 } },
      (c) => (c === '330106-TAX' ? '西湖区税务局' : c),
    );
    expect(weeks).toEqual(['2025-W10', '2025-W11', '2025-W12']);
    expect(series).toEqual([
      { code: '330106-TAX', name: '西湖区税务局', counts: [2, 0, 1], total: 3 },
      { code: '330106-SAMR', name: '330106-SAMR', counts: [0, 1, 0], total: 1 },
    ]);
    expect(departmentWeeks({})).toEqual({ weeks: [], series: [] });
    // Over a period: its every week, the empty ones too.
    expect(
      departmentWeeks({ '330106-SAMR': { '2025-W11': 1 } }, undefined, {
        from: '2025-03-01',
        to: '2025-03-31',
      }).weeks,
    ).toEqual(['2025-W09', '2025-W10', '2025-W11', '2025-W12', '2025-W13', '2025-W14']);
  });

  it('counts ISO weeks as the API does', () => {
    expect(isoWeek('2025-03-12')).toBe('2025-W11');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(isoWeek('2021-01-03')).toBe('2020-W53');
    expect(weeksOf({ from: '2025-03-31', to: '2025-03-01' })).toEqual([]);
  });
});
