import type { IndustryRiskLevel, IndustryRiskRule } from '../profile/profile';

// 行业风险表的拟合: the industry risk table learnt from the training cases. Each GB/T 4754 code held by
// at least `minCases` training cases gets a level from its adverse-outcome rate, shrunk towards the
// overall rate (a beta prior worth `priorCases` cases): at least `high` × the overall rate ⇒ 3, at most
// `low` × ⇒ 1, else 2. The fitted codes are exact codes added to the current table, so the longest
// matching prefix (the code itself) wins for them and every other code keeps the current level.
// Explainable by a table of counts a regulator can recompute; no code with few cases moves.

export interface IndustryCase {
  industryCode: string | null | undefined;
  label: 0 | 1;
}

export interface IndustryTableOptions {
  minCases?: number; // default 30
  priorCases?: number; // default 50
  high?: number; // default 1.25
  low?: number; // default 0.8
}

export interface FittedIndustry {
  code: string;
  cases: number;
  positives: number;
  rate: number; // shrunk
  level: IndustryRiskLevel;
}

export function fitIndustryTable(
  cases: readonly IndustryCase[],
  current: readonly IndustryRiskRule[],
  opts: IndustryTableOptions = {},
): { rules: IndustryRiskRule[]; fitted: FittedIndustry[] } {
  const minCases = opts.minCases ?? 30;
  const prior = opts.priorCases ?? 50;
  const high = opts.high ?? 1.25;
  const low = opts.low ?? 0.8;
  const counts = new Map<string, { n: number; pos: number }>();
  let positives = 0;
  for (const c of cases) {
    positives += c.label;
    const code = (c.industryCode ?? '').trim().toUpperCase();
    if (!code) continue;
    const k = counts.get(code) ?? { n: 0, pos: 0 };
    k.n++;
    k.pos += c.label;
    counts.set(code, k);
  }
  const overall = cases.length ? positives / cases.length : 0;
  const fitted: FittedIndustry[] = [];
  if (overall > 0 && overall < 1)
    for (const [code, { n, pos }] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (n < minCases) continue;
      const rate = (pos + prior * overall) / (n + prior);
      const level: IndustryRiskLevel = rate >= high * overall ? 3 : rate <= low * overall ? 1 : 2;
      fitted.push({ code, cases: n, positives: pos, rate: Math.round(rate * 10000) / 10000, level });
    }
  const fittedCodes = new Set(fitted.map((f) => f.code));
  const rules = [
    ...current.filter((r) => !fittedCodes.has(r.prefix.trim().toUpperCase())).map((r) => ({ ...r })),
    ...fitted.map((f) => ({
      prefix: f.code,
      level: f.level,
      note: `fitted: ${f.positives}/${f.cases} training cases adverse, shrunk rate ${(100 * f.rate).toFixed(1)}% (overall ${(100 * overall).toFixed(1)}%)`,
    })),
  ];
  return { rules, fitted };
}
