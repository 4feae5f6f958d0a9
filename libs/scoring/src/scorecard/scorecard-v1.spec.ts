import fs from 'node:fs';
import path from 'node:path';
import type { EntitySnapshot, KindDataMap, RecordKind, StoredRecord } from '@lianjian/domain';
import {
  DEFAULT_PROFILE_CONFIG,
  FEATURE_NAMES,
  industryRiskLevel,
  type RelatedPartySignals,
} from '../profile/profile';
import { compareScores, profileConfigFor, scoreEntity } from './scorecard';
import { loadScorecard, SCORECARD_V1_PATH } from './scorecard.schema';

// The shipped scorecard, read the way the scoring service will read it (relative to the repo root).
const v1 = loadScorecard(
  JSON.parse(fs.readFileSync(path.join(process.cwd(), 'config/scoring/scorecard-v1.json'), 'utf8')),
);
const AS_OF = '2025-06-30';

let seq = 0;
function rec<K extends RecordKind>(kind: K, occurredAt: string, data: KindDataMap[K]): StoredRecord<K> {
  seq++;
  return {
    id: `v1-${seq}`,
    source: 'test',
    sourceRecordId: `v1-${seq}`,
    kind,
    entityId: 'e',
    departmentCode: '330106-SAMR',
    occurredAt,
    data,
  };
}

function entity(industryCode: string, establishedOn = '2020-03-01'): EntitySnapshot {
  return {
    id: 'e',
    uscc: null,
    scheme: 'test',
    externalId: 'e',
    name: 'Test entity',
    entityType: 'company',
    regionCode: '330106',
    industryCode,
    establishedOn,
    registeredCapital: 1_000_000,
    status: 'active',
    legalRepName: '张三',
    address: '杭州市西湖区文三路1号',
  };
}

const score = (ent: EntitySnapshot, records: StoredRecord[], related?: RelatedPartySignals, asOf = AS_OF) =>
  scoreEntity({ entity: ent, records, related, asOf }, v1).result;

const passed = rec('inspection', '2024-10-15', { result: 'pass', trigger: 'random' });
const failedAndFined = [
  rec('inspection', '2025-04-28', { result: 'fail', violations: { serious: 1, minor: 2 } }),
  rec('penalty', '2025-05-30', { penaltyTypes: ['fine'], fineAmount: 5_000 }),
];

describe('config/scoring/scorecard-v1.json', () => {
  it('loads, is scorecard-v1, and uses only catalogued features', () => {
    expect(SCORECARD_V1_PATH).toBe('config/scoring/scorecard-v1.json');
    expect(v1.modelVersion).toBe('scorecard-v1');
    expect(v1.classThresholds).toEqual({ B: 25, C: 45, D: 65 });
    expect(v1.scoreRange).toEqual({ min: 0, max: 100 });
    for (const f of v1.factors) expect(FEATURE_NAMES).toContain(f.feature);
  });

  it('states the same profile settings and industry table as the code defaults', () => {
    expect(profileConfigFor(v1)).toEqual({ ...DEFAULT_PROFILE_CONFIG, industryRisk: v1.industryRisk });
    expect(v1.industryRisk.map(({ prefix, level }) => ({ prefix, level }))).toEqual(
      DEFAULT_PROFILE_CONFIG.industryRisk,
    );
  });

  it('grades industries: food, drugs, chemicals, construction 3; manufacturing and retail 2; IT 1', () => {
    const level = (code: string | null) => industryRiskLevel(code, v1.industryRisk, 1);
    expect(
      [
        'H6210',
        'H61',
        'C1391',
        'C1469',
        'C1512',
        'F5221',
        'F5251',
        'C2710',
        'Q8411',
        'C2661',
        'B0610',
        'E4710',
      ].map(level),
    ).toEqual(Array(12).fill(3));
    expect(['C3311', 'F5211', 'F5132', 'G5411'].map(level)).toEqual([2, 2, 2, 2]);
    expect(['I6510', 'M7320', null].map(level)).toEqual([1, 1, 1]);
  });

  it('puts typical clean entities in class A', () => {
    for (const code of ['I6510', 'C3311', 'H6210']) {
      const r = score(entity(code), [passed]);
      expect(r.riskClass).toBe('A');
      expect(r.floorsApplied).toEqual([]);
    }
    expect(score(entity('H6210', '2025-02-01'), []).riskClass).toBe('A'); // newly established restaurant
  });

  it('puts one failed inspection plus a modest fine in class B, whatever the industry', () => {
    for (const code of ['I6510', 'C3311', 'H6210']) {
      const r = score(entity(code), [passed, ...failedAndFined]);
      expect(r.riskClass).toBe('B');
      expect(r.classBeforeFloors).toBe('B');
    }
  });

  it('puts repeated penalties in class C on points alone; the same penalties spread over 3 years decay to B', () => {
    const repeated = [
      rec('penalty', '2024-09-10', { penaltyTypes: ['fine'], fineAmount: 20_000 }),
      rec('penalty', '2025-01-15', { penaltyTypes: ['warning', 'fine'], fineAmount: 10_000 }),
      rec('penalty', '2025-05-20', { penaltyTypes: ['fine', 'confiscation'], fineAmount: 30_000 }),
    ];
    const spread = [
      rec('penalty', '2022-10-10', { penaltyTypes: ['fine'], fineAmount: 20_000 }),
      rec('penalty', '2023-11-15', { penaltyTypes: ['warning', 'fine'], fineAmount: 10_000 }),
      rec('penalty', '2025-02-20', { penaltyTypes: ['fine', 'confiscation'], fineAmount: 30_000 }),
    ];
    for (const code of ['I6510', 'C3311', 'H6210']) {
      const r = score(entity(code), repeated);
      expect(r.riskClass).toBe('C');
      expect(r.floorsApplied).toEqual([]);
      expect(score(entity(code), spread).riskClass).toBe('B');
    }
  });

  it('puts a current serious-violation listing in class D by floor, and removal lifts it', () => {
    const added = rec('listing', '2025-03-01', { list: 'serious_violation', action: 'added' });
    const listed = score(entity('I6510'), [passed, added]);
    expect(listed.riskClass).toBe('D');
    expect(listed.classBeforeFloors).not.toBe('D');
    expect(listed.floorsApplied.map((f) => f.id)).toContain('serious_violation_list');
    expect(listed.floorsApplied[0].label.zh).toContain('严重违法失信名单');

    const removed = score(entity('I6510'), [
      passed,
      added,
      rec('listing', '2025-06-01', { list: 'serious_violation', action: 'removed' }),
    ]);
    expect(['A', 'B']).toContain(removed.riskClass);
    const why = compareScores(listed, removed);
    expect(why.classChanged).toBe(true);
    expect(why.floorsRemoved.map((f) => f.id)).toEqual(['serious_violation_list']);
    expect(why.factors[0]).toMatchObject({
      name: 'on_serious_violation_list',
      before: { value: 1 },
      after: { value: 0 },
    });
  });

  it('puts court defaulters and severe penalties in at least class C', () => {
    const defaulter = score(entity('I6510'), [
      rec('listing', '2025-02-01', { list: 'court_defaulter', action: 'added' }),
    ]);
    expect(defaulter.riskClass).toBe('C');
    expect(defaulter.floorsApplied.map((f) => f.id)).toEqual(['court_defaulter_list']);

    const revoked = score(entity('H6210'), [
      rec('penalty', '2023-09-01', { penaltyTypes: ['license_revocation'] }),
    ]);
    expect(revoked.riskClass).toBe('C');
    expect(revoked.floorsApplied.map((f) => f.id)).toEqual(['severe_penalty_36m']);
    // After 36 months the floor no longer applies.
    expect(
      score(entity('H6210'), [rec('penalty', '2022-06-01', { penaltyTypes: ['license_revocation'] })])
        .floorsApplied,
    ).toEqual([]);
  });

  it('reaches class D on points for an accumulation of findings, with no factor dominating', () => {
    const many = [
      rec('inspection', '2024-11-01', { result: 'fail', violations: { critical: 1, serious: 2 } }),
      rec('inspection', '2025-04-01', { result: 'fail', violations: { critical: 1 } }),
      rec('penalty', '2024-12-01', { penaltyTypes: ['fine'], fineAmount: 50_000 }),
      rec('penalty', '2025-05-01', { penaltyTypes: ['fine'], fineAmount: 80_000 }),
      rec('listing', '2025-05-15', { list: 'abnormal_operations', action: 'added' }),
      rec('complaint', '2025-03-01', { category: 'food', verified: true }),
      rec('complaint', '2025-06-01', { category: 'food', verified: true }),
    ];
    const r = score(entity('H6210'), many, { sameLegalRepFlagged: 1, sameAddressFlagged: 0 });
    expect(r.classBeforeFloors).toBe('D');
    expect(Math.max(...r.factors.map((c) => c.points))).toBeLessThanOrEqual(40);
    const related = r.factors.find((c) => c.name === 'related_legal_rep_flagged')!;
    expect(related.points).toBeGreaterThan(0);
  });

  it('caps a single runaway signal well below class D', () => {
    const flood = Array.from({ length: 40 }, (_, i) =>
      rec('complaint', `2025-0${1 + (i % 6)}-1${i % 10}`, { category: 'service', verified: true }),
    );
    const r = score(entity('I6510'), flood);
    expect(r.factors.find((c) => c.name === 'verified_complaints_12m')).toMatchObject({
      capped: true,
      points: 12,
    });
    expect(['A', 'B']).toContain(r.riskClass);
  });
});
