import { regionPrefix } from '@lianjian/reference';

// Jurisdiction (辖区) by GB/T 2260 region code: a province code (330000) covers every code starting
// 33, a city (330100) every code starting 3301, a county (330106) only itself (regionPrefix). No
// region: national. A malformed code throws rather than widening the view (the database allows only
// 6 digits).
// What a new user's regionCode says for a national jurisdiction (全国): it must be given explicitly
// (no region is refused), and only a national security administrator may grant it. Stored as NULL.
export const NATIONAL = 'national';

export function jurisdictionPrefix(regionCode: string | null | undefined): string {
  return regionCode ? regionPrefix(regionCode) : '';
}

export function inJurisdiction(prefix: string, regionCode: string | null | undefined): boolean {
  if (prefix === '') return true;
  return !!regionCode && regionCode.startsWith(prefix);
}

// A region filter asked for by a caller, narrowed to what they may see: undefined when the request
// reaches outside the jurisdiction.
export function narrowRegion(prefix: string, requested: string | undefined): string | undefined {
  if (!requested) return prefix;
  if (requested.startsWith(prefix)) return requested;
  if (prefix.startsWith(requested)) return prefix; // asked for the province, sees their city
  return undefined;
}
