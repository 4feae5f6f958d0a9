// 公民身份号码, GB 11643-1999: 6-digit region code at issue, 8-digit birth date YYYYMMDD, 3-digit
// sequence (odd for men, even for women), then an ISO 7064 MOD 11-2 check character.
// The region part is checked for format only: people keep the code of the place and time of issue,
// which may since have been abolished.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
// The standard's own worked example 440524188001010014 was born in 1880.
const EARLIEST_BIRTH = '18000101';
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17))
    throw new RangeError(`residentIdCheckChar: expected 17 digits, got ${JSON.stringify(first17)}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

// Today in China, as YYYYMMDD: a birth date after it is impossible.
function todayInChina(): string {
  return new Date(Date.now() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

// A real calendar date (no 2023-02-29) between 1800-01-01 and today.
function isPlausibleBirthDate(yyyymmdd: string): boolean {
  if (!/^\d{8}$/.test(yyyymmdd)) return false;
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return yyyymmdd >= EARLIEST_BIRTH && yyyymmdd <= todayInChina();
}

// 18 characters; the check character must be an upper-case 'X' as the standard writes it (normalise
// user input before calling). The old 15-digit numbers are not accepted.
export function isValidResidentId(id: unknown): boolean {
  if (typeof id !== 'string' || !/^\d{17}[\dX]$/.test(id)) return false;
  if (!isPlausibleBirthDate(id.slice(6, 14))) return false;
  return id[17] === residentIdCheckChar(id.slice(0, 17));
}

export function makeResidentId(regionCode: string, birthDate: string, seq3: string): string {
  if (!/^\d{6}$/.test(regionCode))
    throw new RangeError(`makeResidentId: region code must be 6 digits, got ${JSON.stringify(regionCode)}`);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  const yyyymmdd = m ? `${m[1]}${m[2]}${m[3]}` : '';
  if (!isPlausibleBirthDate(yyyymmdd))
    throw new RangeError(
      `makeResidentId: birth date must be a real date YYYY-MM-DD from 1800 to today, got ${JSON.stringify(birthDate)}`,
    );
  if (!/^\d{3}$/.test(seq3))
    throw new RangeError(`makeResidentId: sequence must be 3 digits, got ${JSON.stringify(seq3)}`);
  const first17 = `${regionCode}${yyyymmdd}${seq3}`;
  return first17 + residentIdCheckChar(first17);
}

// Keeps the first `head` and last `tail` characters; a value too short to keep both with something
// hidden in between is masked entirely rather than shown.
function mask(value: string, head: number, tail: number): string {
  const chars = [...value];
  if (chars.length <= head + tail) return '*'.repeat(chars.length);
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(-tail).join('');
}

// '330106199001011234' → '330106********1234'.
export function maskResidentId(id: string): string {
  return mask(id, 6, 4);
}

// '13812345678' → '138****5678'.
export function maskPhone(phone: string): string {
  return mask(phone, 3, 4);
}
