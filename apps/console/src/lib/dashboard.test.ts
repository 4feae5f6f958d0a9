import { describe, expect, it } from 'vitest';
import {
  classRows,
  countdown,
  entityPath,
  formatCountdown,
  percent,
  scoreMove,
  signed,
  type CountdownTexts,
} from './dashboard';

const ZH: CountdownTexts = {
  left: '剩余 {time}',
  overdue: '已超时 {time}',
  days: '{n} 天',
  hours: '{n} 小时',
  minutes: '{n} 分钟',
  separator: ' ',
};
const NOW = Date.parse('2026-12-03T08:00:00Z');
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

describe('classRows: classes now and the last run’s change', () => {
  it('gives each class its share and its count before the run', () => {
    const rows = classRows({ A: 1, B: 1, C: 0, D: 3 }, { A: 0, B: 0, C: -2, D: 2 });
    expect(rows).toEqual([
      { cls: 'A', count: 1, share: 0.2, change: 0, before: 1 },
      { cls: 'B', count: 1, share: 0.2, change: 0, before: 1 },
      { cls: 'C', count: 0, share: 0, change: -2, before: 2 },
      { cls: 'D', count: 3, share: 0.6, change: 2, before: 1 },
    ]);
  });

  it('has no change before the first run, and no share of nothing', () => {
    const rows = classRows({ A: 0, B: 0, C: 0, D: 0 }, null);
    expect(rows.map((r) => [r.share, r.change, r.before])).toEqual([
      [0, null, null],
      [0, null, null],
      [0, null, null],
      [0, null, null],
    ]);
  });
});

describe('signed and percent', () => {
  it('writes changes with their sign', () => {
    expect([signed(3), signed(-2), signed(0), signed(0.004), signed(-45.5)]).toEqual([
      '+3',
      '−2',
      '±0',
      '±0',
      '−45.5',
    ]);
  });
  it('writes shares with one decimal', () => {
    expect([percent(0), percent(0.6), percent(1 / 3), percent(1)]).toEqual(['0%', '60%', '33.3%', '100%']);
  });
});

describe('countdown: time left to acknowledge (签收)', () => {
  it('counts down in days, hours and minutes, never promising more than there is', () => {
    expect(countdown(at(24 * 60 + 3 * 60 + 0.5), NOW)).toEqual({
      overdue: false,
      days: 1,
      hours: 3,
      minutes: 0,
      urgent: false,
    });
    expect(countdown(at(59.9), NOW)).toMatchObject({ days: 0, hours: 0, minutes: 59, urgent: true });
  });

  it('is urgent within two hours and overdue past the due time, counting the excess up', () => {
    expect(countdown(at(120), NOW)).toMatchObject({ overdue: false, hours: 2, urgent: true });
    expect(countdown(at(121), NOW)).toMatchObject({ overdue: false, urgent: false });
    expect(countdown(at(-0.1), NOW)).toMatchObject({ overdue: true, minutes: 1, urgent: true });
    expect(countdown(at(-(2 * 1440 + 5)), NOW)).toMatchObject({
      overdue: true,
      days: 2,
      hours: 0,
      minutes: 5,
    });
  });

  it('reads as the two largest units in a sentence', () => {
    expect(formatCountdown(countdown(at(24 * 60 + 3 * 60 + 20), NOW), ZH)).toBe('剩余 1 天 3 小时');
    expect(formatCountdown(countdown(at(3 * 60 + 5), NOW), ZH)).toBe('剩余 3 小时 5 分钟');
    expect(formatCountdown(countdown(at(12), NOW), ZH)).toBe('剩余 12 分钟');
    expect(formatCountdown(countdown(at(-90), NOW), ZH)).toBe('已超时 1 小时 30 分钟');
    expect(
      formatCountdown(countdown(at(30), NOW), {
        ...ZH,
        left: '{time} left',
        minutes: '{n} min',
      }),
    ).toBe('30 min left');
  });
});

describe('movers', () => {
  it('measures the move and links the profile by its key', () => {
    expect(scoreMove({ score: 85, previousScore: 40 })).toBe(45);
    expect(scoreMove({ score: 45.1, previousScore: 62.3 })).toBe(-17.2);
    expect(entityPath('samr:ABC 1')).toBe('/entities/samr%3AABC%201');
  });
});
