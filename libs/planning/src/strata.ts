// The strata of a draw (抽取层): the four credit-risk classes (分级分类监管) and the control stratum
// (对照组), drawn uniformly from the whole population so that risk-tiering's effect can be measured
// from real results.

export const RISK_STRATA = ['A', 'B', 'C', 'D'] as const;
export type RiskStratum = (typeof RISK_STRATA)[number];

export const DRAW_STRATA = ['control', ...RISK_STRATA] as const;
export type DrawStratum = (typeof DRAW_STRATA)[number];

export const STRATUM_LABELS: Record<DrawStratum, { zh: string; en: string }> = {
  control: { zh: '对照组（不分级随机）', en: 'control (uniform, any class)' },
  A: { zh: 'A类（低风险）', en: 'class A (low risk)' },
  B: { zh: 'B类（一般风险）', en: 'class B (medium risk)' },
  C: { zh: 'C类（较高风险）', en: 'class C (higher risk)' },
  D: { zh: 'D类（高风险）', en: 'class D (high risk)' },
};

export function isRiskStratum(v: unknown): v is RiskStratum {
  return typeof v === 'string' && (RISK_STRATA as readonly string[]).includes(v);
}
