import { join } from 'node:path';
import { loadCalendar, validateCalendarYear, WorkingDayCalendar } from './calendar';

const CONFIG = join(process.cwd(), 'config');

describe('working-day calendar (工作日历)', () => {
  const cal = loadCalendar(CONFIG);

  it('ships the current and the next year', () => {
    expect(cal.coveredYears).toEqual(expect.arrayContaining([2026, 2027]));
    expect(cal.isCertain(2026)).toBe(true);
  });

  it('knows public holidays and make-up working days (调休)', () => {
    expect(cal.isWorkingDay('2026-10-01')).toBe(false); // 国庆
    expect(cal.isWorkingDay('2026-10-08')).toBe(true); // Thursday after the holiday
    expect(cal.isWorkingDay('2026-10-10')).toBe(true); // Saturday, 调休上班
    expect(cal.isWorkingDay('2026-10-11')).toBe(false); // Sunday
    expect(cal.isWorkingDay('2026-02-14')).toBe(true); // Saturday before 春节, 上班
    expect(cal.isWorkingDay('2026-02-16')).toBe(false); // 春节
  });

  it('counts 20 working days across the National Day holiday', () => {
    // inspected Friday 2026-09-18: working days from 09-19: 09-20 (Sun, 调休) 1, 09-21..24 (4) = 5,
    // 09-25..27 中秋 off, 09-28..30 = 8, 10-01..07 off, 10-08, 10-09 = 10, 10-10 (Sat, 调休) = 11,
    // 10-12..16 = 16, 10-19..22 = 20
    expect(cal.addWorkingDays('2026-09-18', 20)).toEqual({ date: '2026-10-22', provisional: false });
    expect(cal.workingDaysBetween('2026-09-18', '2026-10-22')).toBe(20);
  });

  it('says when a deadline leans on a provisional or missing year', () => {
    expect(cal.addWorkingDays('2026-12-20', 20).provisional).toBe(true); // runs into 2027 (provisional)
    const bare = new WorkingDayCalendar([]);
    expect(bare.addWorkingDays('2030-03-06', 5)).toEqual({ date: '2030-03-13', provisional: true }); // Wed → Wed
  });

  it('refuses a calendar file with impossible dates or a day both off and on', () => {
    const ok = {
      year: 2026,
      provisional: false,
      source: { zh: '通知', en: 'notice' },
      holidays: [],
      workdays: [],
    };
    expect(() => validateCalendarYear({ ...ok, workdays: ['2026-02-30'] })).toThrow(/real day of 2026/);
    expect(() =>
      validateCalendarYear({
        ...ok,
        holidays: [{ from: '2026-10-01', to: '2026-10-07', name: { zh: '国庆节', en: 'National Day' } }],
        workdays: ['2026-10-03'],
      }),
    ).toThrow(/also a holiday/);
    expect(() => validateCalendarYear({ ...ok, workdays: ['2027-01-04'] })).toThrow(/real day of 2026/);
  });
});
