import { fitIndustryTable, type IndustryCase } from './industry-table';

const cases = (code: string | null, n: number, positives: number): IndustryCase[] =>
  Array.from({ length: n }, (_, i) => ({ industryCode: code, label: i < positives ? 1 : 0 }));

describe('fitIndustryTable (行业风险表的拟合)', () => {
  const current = [
    { prefix: 'H', level: 2 as const },
    { prefix: 'H62', level: 3 as const },
  ];

  it('grades each industry with enough cases by its shrunk adverse rate against the overall rate', () => {
    // overall 120/600 = 20%
    const all = [
      ...cases('H6210', 200, 80), // 40%: shrunk (80 + 50·0.2)/250 = 36% ≥ 1.25 × 20% ⇒ 3
      ...cases('F5212', 200, 10), // 5%: shrunk 8% ≤ 0.8 × 20% ⇒ 1
      ...cases('C1411', 180, 28), // 15.6%: shrunk 16.5% ⇒ 2
      ...cases('I6510', 20, 2), // too few cases: not fitted
    ];
    const { rules, fitted } = fitIndustryTable(all, current);
    expect(fitted.map((f) => [f.code, f.level])).toEqual([
      ['C1411', 2],
      ['F5212', 1],
      ['H6210', 3],
    ]);
    expect(fitted.find((f) => f.code === 'H6210')!.rate).toBeCloseTo(0.36, 4);
    // the current prefixes stay for every other code; the fitted exact codes come after them
    expect(rules.slice(0, 2)).toEqual(current);
    expect(rules.find((r) => r.prefix === 'F5212')).toMatchObject({
      level: 1,
      note: expect.stringMatching(/10\/200/),
    });
    expect(rules.some((r) => r.prefix === 'I6510')).toBe(false);
  });

  it('replaces a current rule for exactly the same code, and fits nothing without both outcomes', () => {
    const { rules } = fitIndustryTable([...cases('H62', 100, 1), ...cases('F52', 100, 40)], current);
    expect(rules.filter((r) => r.prefix === 'H62')).toEqual([expect.objectContaining({ level: 1 })]);
    expect(fitIndustryTable(cases('H6210', 100, 0), current)).toEqual({ rules: current, fitted: [] });
  });

  it('ignores cases without an industry code in the grading but counts them in the overall rate', () => {
    const { fitted } = fitIndustryTable([...cases(null, 300, 150), ...cases('H6210', 100, 20)], []);
    // overall 170/400 = 42.5%; H6210 shrunk (20 + 21.25)/150 = 27.5% ≤ 0.8 × 42.5% ⇒ 1
    expect(fitted).toEqual([expect.objectContaining({ code: 'H6210', cases: 100, positives: 20, level: 1 })]);
  });
});
