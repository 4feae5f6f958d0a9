import dayjs from 'dayjs';

// An instant of the API (ISO 8601) in China Standard Time (the default zone App.tsx sets).
export function dateTime(iso: string | null | undefined): string {
  return iso ? dayjs(iso).tz().format('YYYY-MM-DD HH:mm') : '';
}
