import type { InspectionData, StoredRecord } from '@lianjian/domain';
import { addMonths, dayNumber, formatDay } from '@lianjian/common';

// The outcome a backtest checks the score against (不良结果): something a regulator would have wanted
// to find first. Defined on canonical records only, so it means the same for every department's data.
//
//   - a non-compliant inspection (检查不合格): result `fail`, or any critical violation found (a
//     "pass with conditions" after a critical violation corrected on the spot still found one);
//     `rectified` with minor issues only, `unreachable` and `not_operating` are not counted (the
//     last two lead to an abnormal-operations listing, which is);
//   - any administrative penalty (行政处罚);
//   - an addition to any list (列入经营异常名录、严重违法失信名单、失信被执行人、重大税收违法); removals
//     are good news and do not count.
export function isNonCompliantInspection(data: InspectionData): boolean {
  return data.result === 'fail' || (data.violations?.critical ?? 0) > 0;
}

export function isAdverseRecord(record: StoredRecord): boolean {
  switch (record.kind) {
    case 'inspection':
      return isNonCompliantInspection((record as StoredRecord<'inspection'>).data);
    case 'penalty':
      return true;
    case 'listing':
      return (record as StoredRecord<'listing'>).data.action === 'added';
    default:
      return false;
  }
}

function day(date: string, what: string): number {
  const d = dayNumber(date);
  if (Number.isNaN(d)) throw new Error(`${what}: '${date}' is not a YYYY-MM-DD date`);
  return d;
}

// Adverse records dated in (after, upTo]: the label window of a backtest scored as of `after`.
export function adverseRecordsIn(
  records: readonly StoredRecord[],
  after: string,
  upTo: string,
): StoredRecord[] {
  const from = day(after, 'adverseRecordsIn');
  const to = day(upTo, 'adverseRecordsIn');
  return records.filter((r) => {
    const d = dayNumber(r.occurredAt);
    return d > from && d <= to && isAdverseRecord(r);
  });
}

// `date` shifted by whole calendar months, clamped to the month's end (2024-02-29 − 12 ⇒ 2023-02-28):
// the same month arithmetic as the profile's 12- and 36-month windows.
export function shiftMonths(date: string, months: number): string {
  return formatDay(addMonths(day(date, 'shiftMonths'), months));
}

export function shiftDays(date: string, days: number): string {
  return formatDay(day(date, 'shiftDays') + days);
}
