import type { EntitySnapshot, KindDataMap, RecordKind, StoredRecord } from '@lianjian/domain';
import {
  allFeatures,
  computeProfile,
  DEFAULT_PROFILE_CONFIG,
  FEATURE_CATALOGUE,
  FEATURE_NAMES,
  industryRiskLevel,
  storedFeatures,
  type ProfileConfig,
} from './profile';

const AS_OF = '2025-06-30';

let seq = 0;
function rec<K extends RecordKind>(kind: K, occurredAt: string, data: KindDataMap[K]): StoredRecord<K> {
  seq++;
  return {
    id: `r${String(seq).padStart(4, '0')}`,
    source: 'test',
    sourceRecordId: `test-${seq}`,
    kind,
    entityId: 'e1',
    departmentCode: '330106-SAMR',
    occurredAt,
    data,
  };
}

function entity(over: Partial<EntitySnapshot> = {}): EntitySnapshot {
  return {
    id: 'e1',
    uscc: '91330106MA2CXB7KXK',
    scheme: null,
    externalId: null,
    name: '杭州某某餐饮有限公司',
    entityType: 'company',
    regionCode: '330106',
    industryCode: 'H6210',
    establishedOn: '2020-06-30',
    registeredCapital: 500_000,
    status: 'active',
    legalRepName: '张三',
    address: '杭州市西湖区文三路1号',
    ...over,
  };
}

const profile = (records: StoredRecord[], asOf = AS_OF, config?: ProfileConfig, ent = entity()) =>
  computeProfile({ entity: ent, records, asOf }, config).features;

describe('computeProfile', () => {
  it('emits every catalogued feature and only those', () => {
    const features = profile([]);
    expect(Object.keys(features).sort()).toEqual([...FEATURE_NAMES].sort());
    for (const name of FEATURE_NAMES) expect(Number.isFinite(features[name])).toBe(true);
  });

  it('ignores records dated after asOf completely (point-in-time)', () => {
    const history: StoredRecord[] = [
      rec('inspection', '2024-11-02', { result: 'fail', violations: { serious: 1 } }),
      rec('penalty', '2025-01-15', { penaltyTypes: ['fine'], fineAmount: 20_000 }),
      rec('listing', '2024-08-01', { list: 'abnormal_operations', action: 'added' }),
      rec('complaint', '2025-05-01', { category: 'food', verified: true }),
    ];
    const future: StoredRecord[] = [
      rec('penalty', '2025-07-01', { penaltyTypes: ['license_revocation', 'fine'], fineAmount: 1_000_000 }),
      rec('listing', '2025-07-01', { list: 'serious_violation', action: 'added' }),
      rec('listing', '2025-07-02', { list: 'abnormal_operations', action: 'removed' }),
      rec('inspection', '2025-07-03', { result: 'pass' }),
      rec('registration', '2025-08-01', { name: 'x', legalRepresentative: { name: '李四' } }),
      rec('obligation_default', '2025-12-31', { type: 'tax_arrears' }),
    ];
    const without = profile(history);
    const withFuture = profile([...future, ...history].reverse());
    expect(withFuture).toEqual(without);
    // …and the same history is visible once asOf moves past it.
    const later = profile([...history, ...future], '2026-01-01');
    expect(later.on_serious_violation_list).toBe(1);
    expect(later.on_abnormal_list).toBe(0);
    expect(later.severe_penalties_36m).toBe(1);
  });

  it('does not depend on the order records arrive in', () => {
    const records: StoredRecord[] = [
      rec('registration', '2024-09-01', { name: 'x', legalRepresentative: { name: 'A' } }),
      rec('registration', '2025-01-01', { name: 'x', legalRepresentative: { name: 'B' } }),
      rec('listing', '2025-02-01', { list: 'court_defaulter', action: 'added' }),
      rec('listing', '2025-03-01', { list: 'court_defaulter', action: 'removed' }),
      rec('inspection', '2025-04-01', { result: 'fail' }),
      rec('inspection', '2025-05-01', { result: 'pass' }),
    ];
    const sorted = profile(records);
    expect(profile([...records].reverse())).toEqual(sorted);
    expect(profile([records[3], records[0], records[5], records[2], records[4], records[1]])).toEqual(sorted);
  });

  describe('time decay', () => {
    it('halves at one half-life', () => {
      const at = (date: string) =>
        profile([rec('inspection', date, { result: 'fail' })]).inspection_fail_decayed;
      expect(at(AS_OF)).toBe(1);
      expect(at('2024-06-30')).toBe(0.5); // 365 days = inspection half-life
      expect(at('2023-07-01')).toBe(0.25); // 730 days
    });

    it('uses each family its own half-life, overridable by config', () => {
      const complaint = [rec('complaint', '2025-01-01', { category: 'price' })]; // 180 days before asOf
      expect(profile(complaint).complaints_decayed).toBe(0.5);
      const penalty = [rec('penalty', '2023-07-01', { penaltyTypes: ['warning'] })]; // 730 days
      expect(profile(penalty).penalties_decayed).toBe(0.5);
      const config = {
        ...DEFAULT_PROFILE_CONFIG,
        halfLifeDays: { ...DEFAULT_PROFILE_CONFIG.halfLifeDays, penalty: 365 },
      };
      expect(profile(penalty, AS_OF, config).penalties_decayed).toBe(0.25);
    });

    it('weights violation counts and sums over records', () => {
      const f = profile([
        rec('inspection', AS_OF, { result: 'fail', violations: { critical: 2, serious: 3 } }),
        rec('inspection', '2024-06-30', { result: 'rectified', violations: { critical: 1 } }),
      ]);
      expect(f.critical_violations_decayed).toBe(2.5);
      expect(f.serious_violations_decayed).toBe(3);
      expect(f.inspection_fail_decayed).toBe(1);
      expect(f.inspection_rectified_decayed).toBe(0.5);
    });
  });

  describe('listings', () => {
    const add = (list: 'serious_violation' | 'abnormal_operations', date: string) =>
      rec('listing', date, { list, action: 'added' });
    const remove = (list: 'serious_violation' | 'abnormal_operations', date: string) =>
      rec('listing', date, { list, action: 'removed' });

    it('add then remove ⇒ not current but ever', () => {
      const records = [remove('serious_violation', '2025-03-01'), add('serious_violation', '2024-03-01')];
      const f = profile(records);
      expect(f.on_serious_violation_list).toBe(0);
      expect(f.ever_serious_violation).toBe(1);
      expect(f.listings_36m).toBe(1);
      // Between the two events the entity is on the list.
      const mid = profile(records, '2024-12-31');
      expect(mid.on_serious_violation_list).toBe(1);
      expect(mid.ever_serious_violation).toBe(1);
      // Before the addition it never was.
      expect(profile(records, '2024-02-29').ever_serious_violation).toBe(0);
    });

    it('re-adding after removal makes it current again; lists are independent', () => {
      const f = profile([
        add('abnormal_operations', '2023-01-10'),
        remove('abnormal_operations', '2023-06-10'),
        add('abnormal_operations', '2025-01-10'),
        add('serious_violation', '2024-01-10'),
        remove('serious_violation', '2024-05-10'),
      ]);
      expect(f.on_abnormal_list).toBe(1);
      expect(f.on_serious_violation_list).toBe(0);
      expect(f.listings_36m).toBe(3);
    });

    it('a removal without an addition changes nothing; same-day add+remove ends off the list', () => {
      expect(profile([remove('serious_violation', '2025-01-01')]).ever_serious_violation).toBe(0);
      const sameDay = profile([
        remove('serious_violation', '2025-01-01'),
        add('serious_violation', '2025-01-01'),
      ]);
      expect(sameDay.on_serious_violation_list).toBe(0);
      expect(sameDay.ever_serious_violation).toBe(1);
    });

    it('maps court-defaulter and tax lists to the obligations features', () => {
      const f = profile([
        rec('listing', '2025-01-01', { list: 'court_defaulter', action: 'added' }),
        rec('listing', '2025-02-01', { list: 'tax_violation', action: 'added' }),
      ]);
      expect([f.on_court_defaulter_list, f.on_tax_violation_list, f.on_serious_violation_list]).toEqual([
        1, 1, 0,
      ]);
    });
  });

  describe('registration changes', () => {
    const reg = (date: string, legalRep: string, address = '杭州市西湖区文三路1号') =>
      rec('registration', date, { name: '某公司', legalRepresentative: { name: legalRep }, address });

    it('counts legal-representative changes between consecutive registrations within 12 months', () => {
      const records = [
        reg('2025-05-01', '王五'),
        reg('2020-06-30', '张三'),
        reg('2024-03-01', '李四'), // a change, but older than 12 months
        reg('2024-09-01', '李四'), // no change
        reg('2025-01-01', ' 李 四 '), // same name, spacing differs: no change
        reg('2025-03-01', '赵六'),
      ];
      const f = profile(records);
      expect(f.legal_rep_changes_12m).toBe(2); // 李四→赵六, 赵六→王五
      expect(f.address_changes_12m).toBe(0);
      expect(profile(records, '2025-04-30').legal_rep_changes_12m).toBe(1);
      expect(profile(records, '2025-02-28').legal_rep_changes_12m).toBe(1); // 张三→李四 on 2024-03-01
      // On 2025-03-01 李四→赵六 enters and the exactly-12-months-old change leaves: windows are (start, asOf].
      expect(profile(records, '2025-03-01').legal_rep_changes_12m).toBe(1);
    });

    it('does not count the first registration, nor records missing the field', () => {
      const f = profile([
        reg('2025-01-01', '张三', '地址甲'),
        rec('registration', '2025-02-01', { name: '某公司' }),
        reg('2025-03-01', '张三', '地址乙'),
        reg('2025-04-01', '张三', '地址乙'),
        reg('2025-05-01', '张三', '地址丙'),
      ]);
      expect(f.legal_rep_changes_12m).toBe(0);
      expect(f.address_changes_12m).toBe(2);
    });

    it('takes basic attributes as of the date from registration history', () => {
      const ent = entity({ status: 'revoked', registeredCapital: 9_000_000, industryCode: 'H6210' });
      const records = [
        rec('registration', '2020-06-30', {
          name: 'x',
          status: 'active',
          registeredCapital: 1_000_000,
          industryCode: 'I6510',
        }),
        rec('registration', '2025-03-01', {
          name: 'x',
          status: 'revoked',
          registeredCapital: 9_000_000,
          industryCode: 'H6210',
        }),
      ];
      const before = profile(records, '2024-12-31', undefined, ent);
      expect(before.entity_status_abnormal).toBe(0);
      expect(before.registered_capital_10k).toBe(100);
      expect(before.industry_risk_level).toBe(1);
      expect(before.status_changes_12m).toBe(0);
      const after = profile(records, AS_OF, undefined, ent);
      expect(after.entity_status_abnormal).toBe(1);
      expect(after.registered_capital_10k).toBe(900);
      expect(after.industry_risk_level).toBe(3);
      expect(after.status_changes_12m).toBe(1);
    });
  });

  it('derives age, newly-established, capital and industry level from the snapshot when no history', () => {
    const old = profile([]);
    expect(old.age_years).toBe(5);
    expect(old.newly_established).toBe(0);
    expect(old.registered_capital_10k).toBe(50);
    expect(old.industry_risk_level).toBe(3);
    expect(old.entity_status_abnormal).toBe(0);
    const young = profile([], AS_OF, undefined, entity({ establishedOn: '2024-08-15', industryCode: null }));
    expect(young.newly_established).toBe(1);
    expect(young.age_years).toBeCloseTo(0.87, 2);
    expect(young.industry_risk_level).toBe(1);
    const unknown = profile([], AS_OF, undefined, entity({ establishedOn: null }));
    expect([unknown.age_years, unknown.newly_established]).toEqual([0, 0]);
  });

  it('counts penalties, severe penalties and fines in their windows', () => {
    const f = profile([
      rec('penalty', '2025-06-01', { penaltyTypes: ['fine'], fineAmount: 5_000 }),
      rec('penalty', '2024-07-01', { penaltyTypes: ['warning'] }), // inside 12m: (2024-06-30, 2025-06-30]
      rec('penalty', '2024-06-30', { penaltyTypes: ['fine', 'confiscation'], fineAmount: 150_000 }), // boundary: 36m only
      rec('penalty', '2023-01-01', { penaltyTypes: ['license_revocation'] }),
      rec('penalty', '2022-06-30', { penaltyTypes: ['business_suspension', 'fine'], fineAmount: 300_000 }), // outside 36m
    ]);
    expect(f.penalties_12m).toBe(2);
    expect(f.penalties_36m).toBe(4);
    expect(f.severe_penalties_36m).toBe(1);
    expect(f.fines_36m_10k).toBe(15.5);
    expect(f.large_fines_36m).toBe(1);
    expect(f.penalties_decayed).toBeGreaterThan(2); // the old one still counts, decayed
  });

  it('tracks the last inspection and the days since it', () => {
    expect(profile([]).days_since_last_inspection).toBe(1095);
    expect(profile([]).last_inspection_failed).toBe(0);
    const f = profile([
      rec('inspection', '2025-06-20', { result: 'fail' }),
      rec('inspection', '2024-01-01', { result: 'pass' }),
      rec('inspection', '2025-06-10', { result: 'unreachable' }),
    ]);
    expect(f.days_since_last_inspection).toBe(10);
    expect(f.last_inspection_failed).toBe(1);
    expect(f.inspections_36m).toBe(3);
    expect(f.inspection_unreachable_decayed).toBeGreaterThan(0.95);
    const passedAfter = profile([
      rec('inspection', '2025-03-01', { result: 'fail' }),
      rec('inspection', '2025-05-01', { result: 'pass' }),
    ]);
    expect(passedAfter.last_inspection_failed).toBe(0);
    expect(profile([rec('inspection', '2020-01-01', { result: 'pass' })]).days_since_last_inspection).toBe(
      1095,
    );
  });

  it('computes obligations and complaints', () => {
    const f = profile([
      rec('obligation_default', AS_OF, { type: 'tax_arrears', amount: 12_000 }),
      rec('obligation_default', '2024-06-30', { type: 'social_insurance_arrears' }),
      rec('obligation_default', '2024-01-01', { type: 'court_judgment' }),
      rec('obligation_default', '2021-01-01', { type: 'court_judgment' }),
      rec('complaint', '2025-06-01', { category: 'quality', verified: true }),
      rec('complaint', '2025-05-01', { category: 'price', verified: false }),
      rec('complaint', '2024-01-01', { category: 'price', verified: true }),
    ]);
    expect(f.tax_arrears_decayed).toBe(1);
    expect(f.social_insurance_arrears_decayed).toBe(0.5);
    expect(f.court_judgment_defaults_36m).toBe(1);
    expect(f.complaints_12m).toBe(2);
    expect(f.verified_complaints_12m).toBe(1);
    expect(f.complaints_decayed).toBeGreaterThan(1.5);
  });

  it('passes related-party signals into features', () => {
    const f = computeProfile({
      entity: entity(),
      records: [],
      asOf: AS_OF,
      related: { sameLegalRepFlagged: 2, sameAddressFlagged: 5 },
    }).features;
    expect(f.related_legal_rep_flagged).toBe(2);
    expect(f.related_address_flagged).toBe(5);
    expect(profile([]).related_legal_rep_flagged).toBe(0);
  });

  it('rejects a bad asOf and names a record with a bad date', () => {
    expect(() => profile([], '2025-02-30')).toThrow(/asOf '2025-02-30'/);
    const bad = rec('complaint', 'yesterday', { category: 'x' });
    expect(() => profile([bad])).toThrow(new RegExp(`record ${bad.id} has invalid occurredAt`));
  });
});

describe('industryRiskLevel', () => {
  const rules = DEFAULT_PROFILE_CONFIG.industryRisk;
  it('uses the longest matching GB/T 4754 prefix, else the default', () => {
    expect(industryRiskLevel('H6210', rules, 1)).toBe(3);
    expect(industryRiskLevel('c2710', rules, 1)).toBe(3);
    expect(industryRiskLevel('C3010', rules, 1)).toBe(2);
    expect(industryRiskLevel('F5221', rules, 1)).toBe(3);
    expect(industryRiskLevel('F5211', rules, 1)).toBe(2);
    expect(industryRiskLevel('I6510', rules, 1)).toBe(1);
    expect(industryRiskLevel(null, rules, 2)).toBe(2);
  });
});

describe('computeProfile: findings that carry across departments (issue 15)', () => {
  const ins = (day: string, data: KindDataMap['inspection']) => rec('inspection', day, data);

  it('counts the latest inspection day’s violations, adding up inspections on that day', () => {
    const f = profile([
      ins('2024-03-01', { result: 'fail', violations: { critical: 3, serious: 2, minor: 4 } }),
      ins('2025-05-10', { result: 'rectified', violations: { critical: 0, serious: 1, minor: 2 } }),
      ins('2025-05-10', { result: 'fail', violations: { critical: 1, serious: 0, minor: 1 } }),
    ]);
    expect(f.last_inspection_critical).toBe(1);
    expect(f.last_inspection_serious).toBe(1);
    expect(f.last_inspection_minor).toBe(3);
    // minor findings decay like the others: 4 a year and a bit ago, 3 seven weeks ago
    expect(f.minor_violations_decayed).toBeGreaterThan(
      3 * 0.5 ** (51 / 365) + 4 * 0.5 ** (486 / 365) - 0.001,
    );
    expect(f.minor_violations_decayed).toBeLessThan(3 * 0.5 ** (51 / 365) + 4 * 0.5 ** (486 / 365) + 0.001);
  });

  it('counts a finding cited again at a later inspection once, whatever its spelling width', () => {
    const f = profile([
      ins('2023-09-01', { result: 'fail', findings: ['未按规定公示许可证', '从业人员无健康证明'] }),
      ins('2024-09-01', { result: 'rectified', findings: ['未按规定 公示许可证'] }),
      ins('2025-03-01', { result: 'fail', findings: ['未按规定公示许可证', '冷藏设施温度不达标'] }),
      // the same finding twice at ONE inspection is not a repeat
      ins('2025-04-01', { result: 'fail', findings: ['餐具未消毒', '餐具未消毒'] }),
      // cited before the 36-month window: not seen as the first citation
      ins('2021-01-01', { result: 'fail', findings: ['冷藏设施温度不达标'] }),
    ]);
    expect(f.repeat_findings_36m).toBe(1);
  });

  it('counts clean inspections, complaint- and follow-up-triggered visits, and the last high-risk grade', () => {
    const f = profile([
      ins('2024-01-10', { result: 'pass', trigger: 'random', premisesRisk: 'high' }),
      ins('2024-06-10', { result: 'pass', violations: { minor: 1 }, trigger: 'random' }), // not clean
      ins('2025-01-10', { result: 'fail', trigger: 'complaint', premisesRisk: 'high' }),
      ins('2025-02-10', { result: 'pass', trigger: 'follow_up' }),
    ]);
    expect(f.clean_inspections_36m).toBe(2);
    expect(f.complaint_inspections_decayed).toBeCloseTo(0.5 ** (171 / 365), 3);
    expect(f.follow_up_inspections_decayed).toBeCloseTo(0.5 ** (140 / 365), 3);
    expect(f.premises_high_risk).toBe(1);
    // graded again, lower: the latest grade counts
    const regraded = profile([
      ins('2024-01-10', { result: 'pass', premisesRisk: 'high' }),
      ins('2025-01-10', { result: 'pass', premisesRisk: 'medium' }),
      ins('2025-03-10', { result: 'pass' }), // no grade: the last one stands
    ]);
    expect(regraded.premises_high_risk).toBe(0);
  });

  it('measures the trend as adverse records of the last 12 months minus the 12 before', () => {
    const list = (over: Partial<KindDataMap['listing']> = {}) =>
      ({ list: 'abnormal_operations', action: 'added', ...over }) as KindDataMap['listing'];
    const f = profile([
      ins('2023-09-01', { result: 'fail' }), // 12–24 months before: prior
      ins('2024-03-01', { result: 'pass', violations: { critical: 1 } }), // critical: adverse, prior
      ins('2025-01-01', { result: 'fail' }), // last 12 months
      rec('penalty', '2025-02-01', { penaltyTypes: ['warning'] }),
      rec('listing', '2025-03-01', list()),
      rec('listing', '2025-04-01', list({ action: 'removed' })), // a removal is not adverse
      ins('2022-01-01', { result: 'fail' }), // older than 24 months: neither
      ins('2025-08-01', { result: 'fail' }), // after asOf: unseen
    ]);
    expect(f.adverse_trend_12m).toBe(3 - 2);
  });
});

describe('computeProfile: licensed business activities (许可经营项目)', () => {
  const reg = (occurredAt: string, licensedActivities?: KindDataMap['registration']['licensedActivities']) =>
    rec('registration', occurredAt, { name: '某店', ...(licensedActivities ? { licensedActivities } : {}) });
  const activityFeatures = (records: StoredRecord[], asOf = AS_OF) => {
    const f = profile(records, asOf);
    return [
      f.licensed_activities_count,
      f.licensed_alcohol,
      f.licensed_alcohol_on_premises,
      f.licensed_tobacco,
    ];
  };

  it('is 0 when no registration record lists activities, so other feeds are unaffected', () => {
    expect(activityFeatures([])).toEqual([0, 0, 0, 0]);
    expect(activityFeatures([reg('2024-01-01')])).toEqual([0, 0, 0, 0]);
  });

  it('adds up the activities of the latest day that listed any, and ignores later records', () => {
    const history = [
      reg('2023-01-01', ['food_business', 'alcohol_retail']),
      reg('2024-05-01', ['food_business', 'tobacco_retail']), // two licences recorded the same day
      reg('2024-05-01', ['alcohol_on_premises', 'food_business']),
      reg('2025-03-01'), // a registration change that does not list activities leaves them as they were
      reg('2025-08-01', ['food_business']), // after asOf: unseen
    ];
    expect(activityFeatures(history)).toEqual([3, 1, 1, 1]);
    // as of an earlier date, the earlier licence: alcohol retail, not on the premises
    expect(activityFeatures(history, '2024-04-30')).toEqual([2, 1, 0, 0]);
    // a later record replaces the set
    expect(activityFeatures(history, '2025-08-01')).toEqual([1, 0, 0, 0]);
  });
});

describe('FEATURE_CATALOGUE', () => {
  it('gives every feature a group and bilingual label', () => {
    for (const [name, info] of Object.entries(FEATURE_CATALOGUE)) {
      expect(name).toMatch(/^[a-z0-9_]+$/);
      expect(info.label.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(info.label.en.length).toBeGreaterThan(3);
    }
    expect(FEATURE_CATALOGUE.on_serious_violation_list.label.zh).toBe('严重违法失信名单在列');
    const groups = new Set(Object.values(FEATURE_CATALOGUE).map((i) => i.group));
    expect([...groups].sort()).toEqual([
      'basic',
      'dynamic',
      'obligations',
      'related',
      'social',
      'supervision',
    ]);
  });
});

describe('storedFeatures / allFeatures (zeros left out of storage, put back on reading)', () => {
  it('stores only non-zero features and reads every feature back', () => {
    const profile = computeProfile(
      {
        entity: entity(),
        records: [rec('penalty', '2025-01-10', { penaltyTypes: ['fine'], fineAmount: 20_000 })],
        asOf: AS_OF,
      },
      DEFAULT_PROFILE_CONFIG,
    );
    const stored = JSON.parse(JSON.stringify(storedFeatures(profile.features)));
    expect(Object.values(stored)).not.toContain(0);
    expect(Object.keys(stored).length).toBeLessThan(FEATURE_NAMES.length);
    expect(stored.penalties_12m).toBe(1);
    expect(allFeatures(stored)).toEqual(profile.features);
    expect(Object.keys(allFeatures(stored))).toEqual(FEATURE_NAMES);
  });
});

describe('computeProfile and credit repair (信用修复)', () => {
  const repaired = <K extends RecordKind>(r: StoredRecord<K>, countsUntil: string): StoredRecord<K> => ({
    ...r,
    countsUntil,
  });

  it('stops counting a repaired record from its effective date, and counts it before (point-in-time)', () => {
    const penalty = rec('penalty', '2025-01-10', {
      penaltyTypes: ['fine', 'license_revocation'],
      fineAmount: 200_000,
    });
    const listed = rec('listing', '2025-02-01', { list: 'serious_violation', action: 'added' });
    const records = [repaired(penalty, '2025-06-01'), repaired(listed, '2025-06-01')];

    const before = profile(records, '2025-05-31');
    expect(before).toMatchObject({
      penalties_12m: 1,
      severe_penalties_36m: 1,
      large_fines_36m: 1,
      on_serious_violation_list: 1,
      ever_serious_violation: 1,
      listings_36m: 1,
    });
    expect(before.penalties_decayed).toBeGreaterThan(0);

    // From the effective date on, as if the records had never been sent.
    expect(profile(records, '2025-06-01')).toEqual(profile([], '2025-06-01'));
    expect(profile(records, AS_OF)).toEqual(profile([], AS_OF));
  });

  it('repairs one record without touching the others', () => {
    const kept = rec('penalty', '2025-03-01', { penaltyTypes: ['fine'], fineAmount: 1_000 });
    const gone = repaired(
      rec('penalty', '2025-04-01', { penaltyTypes: ['fine'], fineAmount: 2_000 }),
      '2025-05-01',
    );
    const features = profile([kept, gone]);
    expect(features.penalties_12m).toBe(1);
    expect(features.fines_36m_10k).toBe(0.1);
    // A repaired addition takes the entity off the list; an unrepaired one keeps it on.
    const add = rec('listing', '2025-01-01', { list: 'abnormal_operations', action: 'added' });
    expect(profile([repaired(add, '2025-06-30')]).on_abnormal_list).toBe(0);
    expect(profile([repaired(add, '2025-07-01')]).on_abnormal_list).toBe(1);
  });
});
