// An instant of the API (ISO 8601) in China Standard Time (Asia/Shanghai, the zone App.tsx gives
// dayjs), as "YYYY-MM-DD HH:mm". One formatter made once: dayjs' tz() builds its conversion per call
// (about a tenth of a millisecond each), which the risk list and the profile paid for every row and
// every score of the history on every render.
const SHANGHAI = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p: Record<string, string> = {};
  for (const part of SHANGHAI.formatToParts(d)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
