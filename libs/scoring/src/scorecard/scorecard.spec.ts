import { DEFAULT_PROFILE_CONFIG, FEATURE_NAMES, type Profile } from '../profile/profile';
import {
  compareScores,
  describeFactors,
  profileConfigFor,
  scoreProfile,
  slimFactors,
  topFactors,
} from './scorecard';
import { loadScorecard } from './scorecard.schema';

// A small model exercising every mechanism; the shipped v1 is tested in scorecard-v1.spec.ts.
const MODEL_JSON = {
  modelVersion: 'test-1',
  name: { zh: '测试评分卡', en: 'Test scorecard' },
  basePoints: 3,
  factors: [
    { feature: 'industry_risk_level', points: 2 },
    { feature: 'penalties_decayed', points: 7.333, cap: 20 },
    { feature: 'fines_36m_10k', points: 3, cap: 9, transform: 'log1p' },
    { feature: 'on_abnormal_list', points: 12, transform: 'binary' },
    { feature: 'on_serious_violation_list', points: 30, transform: 'binary' },
    { feature: 'age_years', points: -1, cap: 4 },
    { feature: 'complaints_12m', points: 1.111 },
  ],
  floors: [
    {
      id: 'serious',
      feature: 'on_serious_violation_list',
      op: 'gte',
      value: 1,
      minClass: 'D',
      label: { zh: '严重违法失信名单在列，至少D类', en: 'Serious-violation list: at least D' },
    },
    {
      id: 'abnormal',
      feature: 'on_abnormal_list',
      op: 'eq',
      value: 1,
      minClass: 'B',
      label: { zh: '经营异常名录在列，至少B类', en: 'Abnormal list: at least B' },
    },
  ],
  classThresholds: { B: 25, C: 45, D: 65 },
  scoreRange: { min: 0, max: 100 },
  industryRisk: [{ prefix: 'H62', level: 3 }],
  profile: { halfLifeDays: { penalty: 400 }, largeFineCny: 50_000 },
};
const model = loadScorecard(MODEL_JSON);

function profileOf(features: Record<string, number>): Profile {
  const base = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0]));
  return { asOf: '2025-06-30', features: { ...base, industry_risk_level: 1, ...features } };
}

const sumCents = (xs: number[]) => xs.reduce((s, x) => s + Math.round(x * 100), 0);

describe('scoreProfile', () => {
  it('lists every factor and its points add up exactly to the raw score', () => {
    const r = scoreProfile(
      profileOf({ penalties_decayed: 1.3717, fines_36m_10k: 2.5, complaints_12m: 3, age_years: 2.5 }),
      model,
    );
    expect(r.factors.map((c) => c.name)).toEqual(MODEL_JSON.factors.map((f) => f.feature));
    expect(r.factors.find((c) => c.name === 'on_abnormal_list')).toMatchObject({
      value: 0,
      points: 0,
      capped: false,
    });
    for (const c of r.factors) expect(Math.round(c.points * 100)).toBe(c.points * 100); // 2 decimals
    expect(sumCents([r.basePoints, ...r.factors.map((c) => c.points)])).toBe(Math.round(r.rawScore * 100));
    // 3 + 2 + 10.06 + 3·ln 3.5 (3.76) − 2.5 + 3.33
    expect(r.rawScore).toBe(19.65);
    expect(r.score).toBe(19.7);
    expect(r.riskClass).toBe('A');
    expect(r.modelVersion).toBe('test-1');
    expect(r.asOf).toBe('2025-06-30');
    expect(r.factors.find((c) => c.name === 'penalties_decayed')).toMatchObject({
      group: 'supervision',
      label: { zh: '行政处罚（时间衰减）', en: 'Administrative penalties (time-decayed)' },
    });
  });

  it('caps a factor at its maximum absolute points, both signs', () => {
    const r = scoreProfile(profileOf({ penalties_decayed: 10, fines_36m_10k: 500, age_years: 30 }), model);
    const by = (n: string) => r.factors.find((c) => c.name === n)!;
    expect(by('penalties_decayed')).toMatchObject({ points: 20, capped: true, value: 10 });
    expect(by('fines_36m_10k')).toMatchObject({ points: 9, capped: true });
    expect(by('age_years')).toMatchObject({ points: -4, capped: true });
    expect(by('industry_risk_level').capped).toBe(false);
    expect(r.rawScore).toBe(3 + 2 + 20 + 9 - 4);
  });

  it('applies binary transform and clamps the score to the range', () => {
    const high = scoreProfile(
      profileOf({
        on_abnormal_list: 1,
        on_serious_violation_list: 1,
        penalties_decayed: 9,
        fines_36m_10k: 99,
        complaints_12m: 50,
      }),
      model,
    );
    expect(high.factors.find((c) => c.name === 'on_abnormal_list')!.points).toBe(12);
    expect(high.rawScore).toBeGreaterThan(100);
    expect(high.score).toBe(100);
    const low = scoreProfile(profileOf({ industry_risk_level: 0, age_years: 10 }), {
      ...model,
      basePoints: 0,
    });
    expect(low.rawScore).toBe(-4);
    expect(low.score).toBe(0);
    expect(low.riskClass).toBe('A');
  });

  it('classifies by thresholds: score ≥ threshold ⇒ that class', () => {
    const withBase = (basePoints: number) =>
      scoreProfile(profileOf({ industry_risk_level: 0 }), { ...model, basePoints });
    expect(withBase(24.9).riskClass).toBe('A');
    expect(withBase(25).riskClass).toBe('B');
    expect(withBase(44.99).riskClass).toBe('C'); // the displayed score 45.0 decides
    expect(withBase(44.9).riskClass).toBe('B');
    expect(withBase(45).riskClass).toBe('C');
    expect(withBase(65).riskClass).toBe('D');
  });

  it('raises the class by floors, lifts the score to the class threshold, and reports every floor that holds', () => {
    const r = scoreProfile(profileOf({ on_serious_violation_list: 1 }), model);
    // The points alone give 35 (class B); the floor lifts the score to D's threshold (65) and says by how much.
    expect(r.rawScore).toBe(35);
    expect(r.floorLift).toBe(30);
    expect(r.score).toBe(65);
    expect(r.basePoints + r.factors.reduce((s, f) => s + f.points, 0) + r.floorLift).toBeCloseTo(r.score, 5);
    expect(r.classBeforeFloors).toBe('B');
    expect(r.riskClass).toBe('D');
    expect(r.floorsApplied).toEqual([{ id: 'serious', minClass: 'D', label: MODEL_JSON.floors[0].label }]);
    // A floor below the class already earned is reported but never lowers the class.
    const both = scoreProfile(profileOf({ on_serious_violation_list: 1, on_abnormal_list: 1 }), model);
    expect(both.floorsApplied.map((f) => f.id)).toEqual(['serious', 'abnormal']);
    expect(both.classBeforeFloors).toBe('C');
    expect(both.riskClass).toBe('D');
    const abnormalOnly = scoreProfile(profileOf({ on_abnormal_list: 1, industry_risk_level: 0 }), {
      ...model,
      basePoints: 0,
    });
    expect(abnormalOnly.rawScore).toBe(12);
    expect(abnormalOnly.score).toBe(model.classThresholds.B);
    expect(abnormalOnly.riskClass).toBe('B');
  });

  it('counts a feature missing from a stored profile as 0', () => {
    const r = scoreProfile({ asOf: '2024-01-01', features: { industry_risk_level: 3 } }, model);
    expect(r.rawScore).toBe(9);
    expect(r.factors.every((c) => Number.isFinite(c.value))).toBe(true);
  });
});

describe('topFactors', () => {
  it('returns the largest positive contributions first', () => {
    const r = scoreProfile(
      profileOf({
        penalties_decayed: 1,
        fines_36m_10k: 1,
        complaints_12m: 1,
        age_years: 3,
        on_abnormal_list: 1,
      }),
      model,
    );
    expect(topFactors(r).map((c) => c.name)).toEqual([
      'on_abnormal_list',
      'penalties_decayed',
      'fines_36m_10k',
    ]);
    expect(topFactors(r, 10).every((c) => c.points > 0)).toBe(true);
    expect(topFactors(r, 10).map((c) => c.name)).not.toContain('age_years');
    expect(topFactors(scoreProfile(profileOf({ industry_risk_level: 0 }), model))).toEqual([]);
  });
});

describe('compareScores', () => {
  it('explains a class change by the factors and floors that moved', () => {
    const before = scoreProfile(profileOf({ penalties_decayed: 0.6, complaints_12m: 2 }), model);
    const after = scoreProfile(
      profileOf({ penalties_decayed: 2, complaints_12m: 2, on_serious_violation_list: 1, fines_36m_10k: 5 }),
      model,
    );
    const cmp = compareScores(before, after);
    expect(cmp.classChanged).toBe(true);
    expect([cmp.classBefore, cmp.classAfter]).toEqual(['A', 'D']);
    expect(cmp.scoreDelta).toBe(Math.round((after.score - before.score) * 10) / 10);
    expect(cmp.factors.map((f) => f.name)).toEqual([
      'on_serious_violation_list',
      'penalties_decayed',
      'fines_36m_10k',
    ]);
    expect(cmp.factors[1]).toMatchObject({
      before: { value: 0.6, points: 4.4 },
      after: { value: 2, points: 14.67 },
      pointsDelta: 10.27,
    });
    expect(cmp.factors.map((f) => f.name)).not.toContain('complaints_12m'); // unchanged
    expect(cmp.floorsAdded.map((f) => f.id)).toEqual(['serious']);
    expect(cmp.floorsRemoved).toEqual([]);
    expect(cmp.modelChanged).toBe(false);
    // Summed deltas reproduce the raw-score move.
    expect(sumCents(cmp.factors.map((f) => f.pointsDelta))).toBe(
      Math.round((after.rawScore - before.rawScore) * 100),
    );
    const back = compareScores(after, before);
    expect(back.floorsRemoved.map((f) => f.id)).toEqual(['serious']);
    expect(back.factors[0].pointsDelta).toBe(-30);
  });

  it('reports no change for identical scores', () => {
    const r = scoreProfile(profileOf({ penalties_decayed: 1 }), model);
    expect(compareScores(r, r)).toMatchObject({
      scoreDelta: 0,
      classChanged: false,
      factors: [],
      floorsAdded: [],
    });
  });
});

describe('slimFactors / describeFactors (stored without labels, read with them)', () => {
  it('round-trips every factor of a score through its slim stored form', () => {
    const result = scoreProfile(
      profileOf({ penalties_decayed: 5, fines_36m_10k: 2000, complaints_12m: 2 }),
      model,
    );
    const stored = JSON.parse(JSON.stringify(slimFactors(result.factors)));
    expect(Object.keys(stored[0]).sort()).toEqual(['name', 'points', 'value']);
    expect(stored.find((f: { name: string }) => f.name === 'penalties_decayed')).toEqual({
      name: 'penalties_decayed',
      value: 5,
      points: 20,
      capped: true,
    });
    // Factors with value 0 and 0 points are left out of storage and put back on reading.
    expect(stored.length).toBeLessThan(result.factors.length);
    expect(stored.every((f: { value: number; points: number }) => f.value !== 0 || f.points !== 0)).toBe(
      true,
    );
    expect(describeFactors(model, stored)).toEqual(result.factors);
  });

  it('describes a selection (the risk list top factors) as stored, without the zero factors', () => {
    const result = scoreProfile(profileOf({ penalties_decayed: 5, complaints_12m: 2 }), model);
    const top = JSON.parse(JSON.stringify(slimFactors(topFactors(result, 2))));
    const described = describeFactors(model, top, false);
    expect(described.map((f) => f.name)).toEqual(top.map((f: { name: string }) => f.name));
    expect(described.every((f) => f.label.en !== f.name)).toBe(true);
  });

  it('reads a factor list stored in full (before zero factors were left out) the same way', () => {
    const result = scoreProfile(profileOf({ complaints_12m: 2 }), model);
    const full = result.factors.map((f) => ({ name: f.name, value: f.value, points: f.points }));
    expect(describeFactors(model, full)).toEqual(result.factors);
  });

  it('keeps the label of a factor stored with one, and falls back to the feature catalogue', () => {
    const old = {
      name: 'complaints_12m',
      value: 1,
      points: 1.11,
      label: { zh: '旧', en: 'old' },
      group: 'social' as const,
    };
    const described = describeFactors(model, [old, { name: 'listings_36m', value: 2, points: 0 }]);
    const kept = described.find((f) => f.name === 'complaints_12m')!;
    const unknownToModel = described[described.length - 1];
    expect(unknownToModel.name).toBe('listings_36m');
    expect(kept.label).toEqual({ zh: '旧', en: 'old' });
    expect(unknownToModel).toMatchObject({ group: 'supervision', capped: false });
    expect(unknownToModel.label.en).toBe('List additions, last 36 months');
  });
});

describe('profileConfigFor', () => {
  it('overrides the defaults with the model profile section and industry table', () => {
    const cfg = profileConfigFor(model);
    expect(cfg.halfLifeDays).toEqual({ ...DEFAULT_PROFILE_CONFIG.halfLifeDays, penalty: 400 });
    expect(cfg.largeFineCny).toBe(50_000);
    expect(cfg.longWindowMonths).toBe(DEFAULT_PROFILE_CONFIG.longWindowMonths);
    expect(cfg.industryRisk).toEqual([{ prefix: 'H62', level: 3 }]);
    // no fine table in the model: none in the profile config (fine_relative_decayed stays 0)
    expect(cfg.departmentFines).toBeUndefined();
  });

  it('passes the model’s department fine table to the profile', () => {
    const departmentFines = {
      overallMedian: 10_000,
      overallPenalties: 120,
      minPenalties: 30,
      departments: [{ departmentCode: '330106-SAMR', medianFine: 5_000, penalties: 40 }],
    };
    const withFines = loadScorecard({ ...structuredClone(MODEL_JSON), departmentFines });
    expect(profileConfigFor(withFines).departmentFines).toEqual(departmentFines);
  });
});

describe('loadScorecard', () => {
  const withChange = (change: (m: Record<string, unknown>) => void): unknown => {
    const copy = structuredClone(MODEL_JSON) as unknown as Record<string, unknown>;
    change(copy);
    return copy;
  };

  it('rejects an unknown feature, naming the field path', () => {
    const bad = withChange((m) => ((m.factors as { feature: string }[])[3].feature = 'foo'));
    expect(() => loadScorecard(bad)).toThrow("factors[3].feature: unknown feature 'foo'");
    const badFloor = withChange((m) => ((m.floors as { feature: string }[])[1].feature = 'on_secret_list'));
    expect(() => loadScorecard(badFloor)).toThrow("floors[1].feature: unknown feature 'on_secret_list'");
    // A caller-supplied feature list is honoured.
    expect(() => loadScorecard(MODEL_JSON, ['industry_risk_level'])).toThrow(
      "factors[1].feature: unknown feature 'penalties_decayed'",
    );
  });

  it('rejects thresholds that do not increase', () => {
    const bad = withChange((m) => (m.classThresholds = { B: 25, C: 20, D: 65 }));
    expect(() => loadScorecard(bad)).toThrow(
      /classThresholds\.C: must be greater than classThresholds\.B \(25\)/,
    );
    const beyond = withChange((m) => (m.classThresholds = { B: 25, C: 45, D: 120 }));
    expect(() => loadScorecard(beyond)).toThrow(/classThresholds\.D: must not exceed scoreRange\.max/);
  });

  it('rejects typos, wrong types and duplicates with their paths', () => {
    expect(() =>
      loadScorecard(withChange((m) => ((m.factors as Record<string, unknown>[])[1].cpa = 5))),
    ).toThrow(/factors\[1\]/);
    expect(() =>
      loadScorecard(withChange((m) => ((m.factors as Record<string, unknown>[])[2].transform = 'sqrt'))),
    ).toThrow(/factors\[2\]\.transform/);
    expect(() =>
      loadScorecard(withChange((m) => ((m.floors as Record<string, unknown>[])[0].minClass = 'E'))),
    ).toThrow(/floors\[0\]\.minClass/);
    expect(() =>
      loadScorecard(withChange((m) => ((m.floors as Record<string, unknown>[])[1].id = 'serious'))),
    ).toThrow(/floors\[1\]\.id: duplicate of floors\[0\]/);
    expect(() =>
      loadScorecard(
        withChange((m) => (m.factors as Record<string, unknown>[]).push({ feature: 'age_years', points: 1 })),
      ),
    ).toThrow(/factors\[7\]\.feature: duplicate of factors\[5\]/);
    expect(() => loadScorecard(withChange((m) => delete m.modelVersion))).toThrow(/modelVersion/);
    expect(() => loadScorecard(withChange((m) => (m.industryRisk = [{ prefix: 'h62', level: 4 }])))).toThrow(
      /industryRisk\[0\]\.prefix.*industryRisk\[0\]\.level/,
    );
    expect(() => loadScorecard('not a scorecard')).toThrow(/Invalid scorecard: \(root\)/);
  });

  it('validates the department fine table', () => {
    const fines = (over: Record<string, unknown> = {}, departments?: unknown[]) =>
      withChange(
        (m) =>
          (m.departmentFines = {
            overallMedian: 10_000,
            overallPenalties: 120,
            minPenalties: 30,
            departments: departments ?? [{ departmentCode: 'A', medianFine: 5_000, penalties: 40 }],
            ...over,
          }),
      );
    expect(loadScorecard(fines()).departmentFines?.departments).toHaveLength(1);
    expect(() => loadScorecard(fines({ overallMedian: 0 }))).toThrow(/departmentFines\.overallMedian/);
    expect(() => loadScorecard(fines({ extra: 1 }))).toThrow(/departmentFines/);
    expect(() =>
      loadScorecard(
        fines({}, [
          { departmentCode: 'A', medianFine: 5_000, penalties: 40 },
          { departmentCode: 'A', medianFine: 6_000, penalties: 50 },
        ]),
      ),
    ).toThrow(
      /departmentFines\.departments\[1\]\.departmentCode: duplicate of departmentFines\.departments\[0\]/,
    );
    expect(() =>
      loadScorecard(fines({}, [{ departmentCode: 'A', medianFine: 5_000, penalties: 12 }])),
    ).toThrow(/departmentFines\.departments\[0\]\.penalties: fewer than minPenalties \(30\)/);
    expect(() => loadScorecard(fines({}, [{ departmentCode: 'A', medianFine: -1, penalties: 40 }]))).toThrow(
      /departmentFines\.departments\[0\]\.medianFine/,
    );
  });
});
