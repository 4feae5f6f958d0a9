// The risk list's filter (风险名单筛选) and its URL: the filter lives in the query string, so a
// filtered list can be linked, reloaded and walked back with the browser. Parsing is forgiving (a
// hand-edited URL loses only the bad parts); writing is canonical (same filter, same URL).
export const RISK_CLASSES = ['A', 'B', 'C', 'D'] as const;
export type RiskClass = (typeof RISK_CLASSES)[number];

export interface RiskFilter {
  region?: string; // 6-digit GB/T 2260 code (province, city or county)
  industry?: string; // GB/T 4754 section (H) or division (H62)
  classes: RiskClass[];
  minScore?: number; // 0-100
}

export const EMPTY_FILTER: RiskFilter = { classes: [] };

const REGION = /^\d{6}$/;
const INDUSTRY = /^[A-T](\d{2})?$/;

export function filterFromSearch(search: string | URLSearchParams): RiskFilter {
  const q = typeof search === 'string' ? new URLSearchParams(search) : search;
  const region = q.get('region') ?? '';
  const industry = (q.get('industry') ?? '').toUpperCase();
  const classes = new Set(
    q
      .getAll('class')
      .flatMap((c) => c.split(','))
      .map((c) => c.trim().toUpperCase()),
  );
  const min = q.get('minScore');
  const minScore = min === null || min.trim() === '' ? NaN : Number(min);
  return {
    ...(REGION.test(region) ? { region } : {}),
    ...(INDUSTRY.test(industry) ? { industry } : {}),
    classes: RISK_CLASSES.filter((c) => classes.has(c)),
    ...(Number.isFinite(minScore) && minScore >= 0 && minScore <= 100 ? { minScore } : {}),
  };
}

export function filterToSearch(f: RiskFilter): string {
  const q = new URLSearchParams();
  if (f.region) q.set('region', f.region);
  if (f.industry) q.set('industry', f.industry);
  for (const c of RISK_CLASSES) if (f.classes.includes(c)) q.append('class', c);
  if (f.minScore !== undefined) q.set('minScore', String(f.minScore));
  return q.toString();
}

// The API's query for a page of the list (GET /api/v1/risk-list).
export function filterToQuery(f: RiskFilter, cursor: string | undefined, limit: number) {
  return {
    ...(f.region ? { region: f.region } : {}),
    ...(f.industry ? { industry: f.industry } : {}),
    ...(f.classes.length ? { class: [...f.classes] } : {}),
    ...(f.minScore !== undefined ? { minScore: f.minScore } : {}),
    ...(cursor ? { cursor } : {}),
    limit,
  };
}

// The Excel export's query (GET /api/v1/risk-list/export): the list's filter, no paging, and the
// language the workbook's headings are in.
export function filterToExportQuery(f: RiskFilter, lang: 'zh-CN' | 'en-US') {
  const { limit: _limit, ...filter } = filterToQuery(f, undefined, 1);
  return { ...filter, lang };
}

export function sameFilter(a: RiskFilter, b: RiskFilter): boolean {
  return filterToSearch(a) === filterToSearch(b);
}

// The region cascader's value for a code: province, city, county, from the top of the caller's
// jurisdiction down (a county's staff see their county as the only root). '330106' in a national
// jurisdiction → ['330000', '330100', '330106']; in the city 330100 → ['330100', '330106'].
export function regionPath(code: string, jurisdiction?: string | null): string[] {
  if (!REGION.test(code)) return [];
  const path = [`${code.slice(0, 2)}0000`];
  if (code.slice(2, 4) !== '00') path.push(`${code.slice(0, 4)}00`);
  if (code.slice(4) !== '00') path.push(code);
  const top = jurisdiction && REGION.test(jurisdiction) ? prefixLength(jurisdiction) : 0;
  return path.filter((c) => prefixLength(c) >= top);
}

function prefixLength(code: string): number {
  return code.endsWith('0000') ? 2 : code.endsWith('00') ? 4 : 6;
}

// The industry cascader's value: 'H62' → ['H', 'H62'].
export function industryPath(code: string): string[] {
  if (!INDUSTRY.test(code)) return [];
  return code.length === 1 ? [code] : [code[0]!, code];
}
