// One home for dates: day numbers and month windows (day-number.ts). Working-day calendars (工作日历:
// statutory holidays and adjusted working weekends, for inspection-planning deadlines) will live here
// too, as calendar.ts, when inspection planning arrives; nothing else should count working days.
export * from './day-number';
