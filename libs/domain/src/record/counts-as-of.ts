// Whether a record counts as of a date (point-in-time). An approved credit repair or objection
// (信用修复 / 异议) sets the record's countsUntil to the decision's effective date: from that day on
// the record is ignored by profiles, scores, related-party flags and rule history, while any date
// before it still sees the record — so past scores can be replayed exactly as they were.
// Both dates are YYYY-MM-DD (a date-time's date part is used), so comparing the text is comparing days.
export function countsAsOf(record: { countsUntil?: string | null }, asOf: string): boolean {
  const until = record.countsUntil;
  return !until || asOf.slice(0, 10) < until;
}
